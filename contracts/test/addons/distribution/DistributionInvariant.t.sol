// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {Vm} from "../../utils/Vm.sol";
import {CheckpointedKeelToken} from "../mocks/CheckpointedKeelToken.sol";
import {FixedYieldSchedule} from "../../../src/addons/distribution/FixedYieldSchedule.sol";
import {SnapshotDistribution} from "../../../src/addons/distribution/SnapshotDistribution.sol";

/// @notice Random transfers, mints, yield claims, dividend claims and time. After every
/// step it records each holder's yield for every ended period the first time it sees it
/// and flags any later change.
contract DistributionHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    CheckpointedKeelToken internal bond;
    FixedYieldSchedule internal schedule;
    SnapshotDistribution internal dividend;
    address[] internal holders;
    mapping(address => mapping(uint256 => uint256)) internal seen;
    mapping(address => mapping(uint256 => bool)) internal seenSet;
    bool public entitlementChanged;
    uint256 public yieldPaid;
    mapping(address => uint256) public dividendClaims;

    constructor(CheckpointedKeelToken b, FixedYieldSchedule s, SnapshotDistribution d, address[] memory h) {
        bond = b;
        schedule = s;
        dividend = d;
        holders = h;
    }

    function transfer(uint8 from, uint8 to, uint256 amount) external {
        address f = holders[from % holders.length];
        amount = amount % (bond.balanceOf(f) + 1);
        vm.prank(f);
        try bond.transfer(holders[to % holders.length], amount) {} catch {}
        _observe();
    }

    function mint(uint8 to, uint256 amount) external {
        vm.prank(address(0xA11CE)); // not a minter: must not change anything
        try bond.mint(holders[to % holders.length], amount % 1e12) {} catch {}
        _observe();
    }

    function claimYield(uint8 who) external {
        vm.prank(holders[who % holders.length]);
        try schedule.claim() returns (uint256 paid) {
            yieldPaid += paid;
        } catch {}
        _observe();
    }

    function claimDividend(uint8 who) external {
        address h = holders[who % holders.length];
        try dividend.claim(h) {
            dividendClaims[h] += 1;
        } catch {}
        _observe();
    }

    function warp(uint32 secs) external {
        vm.warp(block.timestamp + (secs % 40 days));
        _observe();
    }

    function _observe() internal {
        uint256 done = schedule.completedPeriods();
        for (uint256 p; p < done; ++p) {
            for (uint256 i; i < holders.length; ++i) {
                uint256 y = schedule.yieldFor(holders[i], p);
                if (!seenSet[holders[i]][p]) {
                    seenSet[holders[i]][p] = true;
                    seen[holders[i]][p] = y;
                } else if (seen[holders[i]][p] != y) {
                    entitlementChanged = true;
                }
            }
        }
    }
}

contract DistributionInvariantTest is AddonFixture {
    CheckpointedKeelToken internal bond;
    FixedYieldSchedule internal schedule;
    SnapshotDistribution internal dividend;
    DistributionHandler internal handler;
    address[] internal holders;
    uint256 internal funded;

    function setUp() public override {
        super.setUp();
        bond = _newCheckpointedAsset("Bond", "B", 6);
        holders = [alice, bob, carol, dave];
        for (uint256 i; i < holders.length; ++i) bond.mint(holders[i], (i + 1) * 10e6);
        schedule = new FixedYieldSchedule(
            address(bond), address(usdc), block.timestamp, block.timestamp + 360 days, 500, 30 days, 1_000e6, address(0), admin
        );
        funded = 1_000_000e6;
        usdc.mint(address(schedule), funded);
        dividend = new SnapshotDistribution(address(bond), address(usdc), block.timestamp + 10 days, 10_000e6, block.timestamp + 400 days, admin);
        usdc.mint(address(this), 10_000e6);
        usdc.approve(address(dividend), 10_000e6);
        dividend.fund();
        handler = new DistributionHandler(bond, schedule, dividend, holders);
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    function invariant_yieldEntitlementNeverChangesAfterPeriodEnd() public view {
        assertFalse(handler.entitlementChanged());
    }

    function invariant_claimedNeverExceedsFunded() public view {
        assertLe(schedule.totalClaimed(), funded);
        assertEq(schedule.totalClaimed(), handler.yieldPaid());
        assertLe(dividend.totalClaimed(), dividend.totalAmount());
        assertEq(usdc.balanceOf(address(dividend)) + dividend.totalClaimed(), dividend.totalAmount());
    }

    function invariant_dividendNeverClaimedTwice() public view {
        for (uint256 i; i < holders.length; ++i) assertLe(handler.dividendClaims(holders[i]), 1);
    }
}
