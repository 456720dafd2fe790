// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AddonFixture} from "../AddonFixture.sol";
import {KeelTest} from "../../utils/KeelTest.sol";
import {Vm} from "../../utils/Vm.sol";
import {XvPSettlement} from "../../../src/addons/xvp/XvPSettlement.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Random approve / revoke / execute / cancel / expiry / withdraw sequences.
contract XvPHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    XvPSettlement public s;
    address[] internal parties;

    constructor(XvPSettlement s_, address[] memory parties_) {
        s = s_;
        parties = parties_;
    }

    function approve(uint8 who) external {
        vm.prank(parties[who % parties.length]);
        try s.approve() {} catch {}
    }

    function revoke(uint8 who) external {
        vm.prank(parties[who % parties.length]);
        try s.revokeApproval() {} catch {}
    }

    function execute() external {
        try s.execute(0) {} catch {}
    }

    function voteCancel(uint8 who) external {
        vm.prank(parties[who % parties.length]);
        try s.voteCancel() {} catch {}
    }

    function withdraw(uint8 who) external {
        try s.withdrawEscrow(parties[who % parties.length]) {} catch {}
    }

    function warp(uint32 secs) external {
        vm.warp(block.timestamp + (secs % 1 days));
    }
}

contract XvPSettlementInvariantTest is AddonFixture {
    XvPSettlement internal s;
    XvPHandler internal handler;
    address[] internal assets;

    function setUp() public override {
        super.setUp();
        _mintAsset(token, alice, 1_000e6);
        usdc.mint(bob, 1_000_000e6);
        XvPSettlement.Leg[] memory legs = new XvPSettlement.Leg[](3);
        legs[0] = XvPSettlement.Leg(address(token), alice, bob, 100e6, 0);
        legs[1] = XvPSettlement.Leg(address(usdc), bob, alice, 99_000e6, 0);
        legs[2] = XvPSettlement.Leg(address(token), alice, carol, 5e6, 0);
        s = new XvPSettlement(legs, block.timestamp + 3 days, false, 0, address(this));
        registry.register(address(s), US);
        vm.prank(alice);
        token.approve(address(s), type(uint256).max);
        vm.prank(bob);
        usdc.approve(address(s), type(uint256).max);
        address[] memory parties = new address[](3);
        parties[0] = alice;
        parties[1] = bob;
        parties[2] = carol;
        handler = new XvPHandler(s, parties);
        assets.push(address(token));
        assets.push(address(usdc));
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    /// escrowed + settled + returned == deposited, and escrow is fully backed.
    function invariant_escrowAccounting() public view {
        address[3] memory parties = [alice, bob, carol];
        for (uint256 a; a < assets.length; ++a) {
            address asset = assets[a];
            uint256 escrowed;
            for (uint256 p; p < 3; ++p) escrowed += s.escrowOf(parties[p], asset);
            assertEq(escrowed + s.totalSettled(asset) + s.totalReturned(asset), s.totalDeposited(asset), "conservation");
            assertEq(IERC20(asset).balanceOf(address(s)), escrowed, "escrow backed");
        }
    }

    /// Supply is conserved across the parties and the escrow.
    function invariant_noValueCreated() public view {
        assertEq(
            token.balanceOf(alice) + token.balanceOf(bob) + token.balanceOf(carol) + token.balanceOf(address(s)),
            1_000e6
        );
        assertEq(usdc.balanceOf(alice) + usdc.balanceOf(bob) + usdc.balanceOf(address(s)), 1_000_000e6);
    }
}
