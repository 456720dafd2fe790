// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Vm} from "../utils/Vm.sol";
import {TokenFixture} from "./TokenFixture.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {KeelRoles} from "../../src/token/KeelRoles.sol";
import {ModularCompliance} from "../../src/compliance/ModularCompliance.sol";
import {MaxInvestorCountModule} from "../../src/compliance/modules/MaxInvestorCountModule.sol";
import {TimeLockModule} from "../../src/compliance/modules/TimeLockModule.sol";
import {TransferVolumeLimitModule} from "../../src/compliance/modules/TransferVolumeLimitModule.sol";

/// @notice Drives the token through random standard, forced and administrative operations.
/// Every reverted operation is checked to have changed no balance and no module state.
contract TokenHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    KeelToken public immutable token;
    ModularCompliance public immutable compliance;
    MaxInvestorCountModule public immutable investors;
    TimeLockModule public immutable timeLock;
    TransferVolumeLimitModule public immutable volume;
    address[] public actors; // registered wallets
    address public immutable unverified;

    uint256 public revertedWithStateChange;
    uint256 public forcedToUnverifiedSucceeded;
    uint256 public calls;
    uint256 public okTransfers;
    uint256 public okForced;

    constructor(
        KeelToken token_,
        ModularCompliance compliance_,
        MaxInvestorCountModule investors_,
        TimeLockModule timeLock_,
        TransferVolumeLimitModule volume_,
        address[] memory actors_,
        address unverified_
    ) {
        token = token_;
        compliance = compliance_;
        investors = investors_;
        timeLock = timeLock_;
        volume = volume_;
        actors = actors_;
        unverified = unverified_;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    /// @dev Any wallet including the unregistered one.
    function _anyone(uint256 seed) internal view returns (address) {
        return seed % (actors.length + 1) == actors.length ? unverified : actors[seed % actors.length];
    }

    function _fingerprint() internal view returns (bytes32 h) {
        address c = address(compliance);
        address t = address(token);
        h = keccak256(abi.encode(token.totalSupply(), investors.holderCount(c, t), token.balanceOf(unverified)));
        for (uint256 i = 0; i < actors.length; ++i) {
            address a = actors[i];
            h = keccak256(
                abi.encode(
                    h,
                    token.balanceOf(a),
                    token.getFrozenTokens(a),
                    timeLock.lockedBalance(c, t, a),
                    volume.volumeInWindow(c, t, a)
                )
            );
        }
    }

    function _afterRevert(bytes32 before) internal {
        if (_fingerprint() != before) revertedWithStateChange += 1;
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        calls++;
        address from = _actor(fromSeed);
        address to = _anyone(toSeed);
        amount = amount % (token.balanceOf(from) + 2);
        bytes32 before = _fingerprint();
        vm.prank(from);
        try token.transfer(to, amount) {
            okTransfers += 1;
        } catch {
            _afterRevert(before);
        }
    }

    function transferFrom(uint256 spenderSeed, uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        calls++;
        address spender = _actor(spenderSeed);
        address from = _actor(fromSeed);
        address to = _anyone(toSeed);
        amount = amount % (token.balanceOf(from) + 2);
        vm.prank(from);
        token.approve(spender, amount);
        bytes32 before = _fingerprint();
        vm.prank(spender);
        try token.transferFrom(from, to, amount) {} catch {
            _afterRevert(before);
        }
    }

    function mint(uint256 toSeed, uint256 amount) external {
        calls++;
        address to = _anyone(toSeed);
        amount = amount % 1e24;
        bytes32 before = _fingerprint();
        try token.mint(to, amount) {} catch {
            _afterRevert(before);
        }
    }

    function burn(uint256 fromSeed, uint256 amount) external {
        calls++;
        address from = _actor(fromSeed);
        amount = amount % (token.balanceOf(from) + 2);
        bytes32 before = _fingerprint();
        try token.burn(from, amount) {} catch {
            _afterRevert(before);
        }
    }

    function forcedTransfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        calls++;
        address from = _actor(fromSeed);
        address to = _anyone(toSeed);
        amount = amount % (token.balanceOf(from) + 2);
        bytes32 before = _fingerprint();
        try token.forcedTransfer(from, to, amount) {
            if (to == unverified) forcedToUnverifiedSucceeded += 1;
            okForced += 1;
        } catch {
            _afterRevert(before);
        }
    }

    function freezePartial(uint256 whoSeed, uint256 amount) external {
        calls++;
        address who = _actor(whoSeed);
        amount = amount % (token.balanceOf(who) + 2);
        bytes32 before = _fingerprint();
        try token.freezePartialTokens(who, amount) {} catch {
            _afterRevert(before);
        }
    }

    function unfreezePartial(uint256 whoSeed, uint256 amount) external {
        calls++;
        address who = _actor(whoSeed);
        amount = amount % (token.getFrozenTokens(who) + 2);
        bytes32 before = _fingerprint();
        try token.unfreezePartialTokens(who, amount) {} catch {
            _afterRevert(before);
        }
    }

    function setFrozen(uint256 whoSeed, bool frozen) external {
        calls++;
        token.setAddressFrozen(_actor(whoSeed), frozen);
    }

    function warp(uint256 secs) external {
        calls++;
        vm.warp(block.timestamp + (secs % 2 days));
    }
}

contract KeelTokenInvariantTest is TokenFixture {
    TokenHandler internal handler;
    MaxInvestorCountModule internal investors;
    TimeLockModule internal timeLock;
    TransferVolumeLimitModule internal volume;

    function setUp() public override {
        super.setUp();
        vm.warp(1_000_000);
        investors = new MaxInvestorCountModule();
        timeLock = new TimeLockModule();
        volume = new TransferVolumeLimitModule();
        compliance.addModule(address(investors));
        compliance.addModule(address(timeLock));
        compliance.addModule(address(volume));
        compliance.callModuleFunction(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (3)), address(investors));
        compliance.callModuleFunction(abi.encodeCall(TimeLockModule.setHoldPeriod, (1 hours)), address(timeLock));
        compliance.callModuleFunction(
            abi.encodeCall(TransferVolumeLimitModule.setVolumeLimit, (1 days, 5e23)), address(volume)
        );
        address dave = makeAddr("dave");
        registry.register(dave, US);
        address[] memory actors = new address[](4);
        actors[0] = alice;
        actors[1] = bob;
        actors[2] = carol;
        actors[3] = dave;
        handler = new TokenHandler(token, compliance, investors, timeLock, volume, actors, mallory);
        token.grantRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE, address(handler));
        token.grantRole(KeelRoles.CUSTODIAN_ROLE, address(handler));
        _unpause();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev Guards the handler itself: its operations must be able to succeed.
    function test_handlerMovesTokens() public {
        handler.mint(0, 1000);
        handler.warp(2 hours);
        handler.transfer(0, 1, 10);
        handler.forcedTransfer(0, 2, 10);
        handler.forcedTransfer(0, 4, 10); // index 4 = the unverified wallet
        assertEq(handler.okTransfers(), 1);
        assertEq(handler.okForced(), 1, "the forced transfer to the unverified wallet reverts");
        assertEq(token.balanceOf(mallory), 0);
        assertEq(token.balanceOf(bob), 10);
    }

    function _sumOfBalances() internal view returns (uint256 sum, uint256 holders) {
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            uint256 b = token.balanceOf(handler.actors(i));
            sum += b;
            if (b != 0) holders += 1;
        }
        sum += token.balanceOf(mallory);
    }

    function invariant_totalSupplyEqualsSumOfBalances() public view {
        (uint256 sum,) = _sumOfBalances();
        assertEq(token.totalSupply(), sum, "total supply");
    }

    function invariant_frozenNeverExceedsBalance() public view {
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            address a = handler.actors(i);
            assertLe(token.getFrozenTokens(a), token.balanceOf(a), "frozen > balance");
        }
    }

    function invariant_investorCountEqualsNonZeroHolders() public view {
        (, uint256 holders) = _sumOfBalances();
        assertEq(investors.holderCount(address(compliance), address(token)), holders, "investor count");
    }

    function invariant_noTokensReachAWalletWithoutIdentity() public view {
        assertEq(token.balanceOf(mallory), 0, "unverified wallet holds tokens");
        assertEq(handler.forcedToUnverifiedSucceeded(), 0, "forced transfer to unverified wallet");
    }

    function invariant_revertedOperationsChangeNothing() public view {
        assertEq(handler.revertedWithStateChange(), 0, "reverted op changed state");
    }

    function invariant_lockedNeverExceedsBalance() public view {
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            address a = handler.actors(i);
            assertLe(timeLock.lockedBalance(address(compliance), address(token), a), token.balanceOf(a), "locked");
        }
    }
}

contract KeelTokenProxiedInvariantTest is KeelTokenInvariantTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
