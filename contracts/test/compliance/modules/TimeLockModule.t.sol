// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ModuleFixture} from "./ModuleFixture.sol";
import {TimeLockModule} from "../../../src/compliance/modules/TimeLockModule.sol";

contract TimeLockModuleTest is ModuleFixture {
    TimeLockModule internal m;

    function _deployModule() internal override returns (address) {
        m = new TimeLockModule();
        return address(m);
    }

    function setUp() public override {
        super.setUp();
        vm.warp(1_000_000);
        _cfg(abi.encodeCall(TimeLockModule.setHoldPeriod, (1 days)));
    }

    function _locked(address who) internal view returns (uint256) {
        return m.lockedBalance(address(compliance), address(token), who);
    }

    function test_name() public view {
        assertEq(m.name(), "TimeLock");
        assertEq(uint256(m.holdPeriod(address(compliance))), 1 days);
    }

    function test_acquisitionsLockedPerLot() public {
        _mint(alice, 100);
        vm.prank(alice);
        vm.expectRevert(_rejected(abi.encodeWithSelector(TimeLockModule.TokensLocked.selector, alice, 0, 1)));
        token.transfer(bob, 1);
        vm.warp(block.timestamp + 12 hours);
        _mint(alice, 50);
        vm.warp(block.timestamp + 12 hours); // first lot matured, second not
        assertEq(_locked(alice), 50);
        vm.prank(alice);
        vm.expectRevert(_rejected(abi.encodeWithSelector(TimeLockModule.TokensLocked.selector, alice, 100, 101)));
        token.transfer(bob, 101);
        _send(alice, bob, 100);
        assertEq(_locked(bob), 100, "recipient's acquisition is locked");
        vm.warp(block.timestamp + 12 hours);
        _send(alice, bob, 50);
    }

    function test_forcedTransferOfLockedTokens_neverBricks() public {
        _mint(alice, 100);
        _forced(alice, bob, 80); // takes locked tokens
        assertEq(_locked(alice), 20, "locked shrinks to the balance");
        assertEq(_locked(bob), 80);
        vm.warp(block.timestamp + 1 days);
        _send(alice, carol, 20);
        _send(bob, carol, 80);
        assertEq(_locked(alice), 0);
    }

    function test_burnShrinksLots() public {
        _mint(alice, 100);
        vm.prank(issuer);
        token.burn(alice, 100);
        assertEq(_locked(alice), 0);
        _mint(alice, 5);
        assertEq(_locked(alice), 5);
    }

    function test_recoveryMovesLockToNewWallet() public {
        address aliceNew = makeAddr("alice-new");
        registry.registerIdentity(aliceNew, registry.identity(alice), US);
        address aliceId = address(registry.identity(alice));
        _mint(alice, 100);
        vm.prank(custodian);
        token.recoveryAddress(alice, aliceNew, aliceId);
        assertEq(_locked(alice), 0);
        assertEq(_locked(aliceNew), 100);
    }

    function test_openLotsCapped_mergeNeverUnlocksEarlier() public {
        _mint(bob, 1_000);
        vm.warp(block.timestamp + 1 days);
        for (uint256 i = 0; i < m.MAX_OPEN_LOTS() + 10; ++i) {
            vm.warp(block.timestamp + 1);
            _send(bob, alice, 1);
        }
        uint256 n = m.MAX_OPEN_LOTS() + 10;
        assertEq(_locked(alice), n);
        // 63 lots unlock on time; the 64th holds the last 11 acquisitions and unlocks
        // with the newest one
        vm.warp(block.timestamp + 1 days - 1);
        assertEq(_locked(alice), n - (m.MAX_OPEN_LOTS() - 1));
        vm.warp(block.timestamp + 1);
        assertEq(_locked(alice), 0);
    }

    function test_rebindResetsLots() public {
        _mint(alice, 100);
        _rebind();
        assertEq(_locked(alice), 0);
    }

    function testFuzz_lockedNeverExceedsBalance(uint256 minted, uint256 forced, uint256 wait) public {
        minted = bound(minted, 1, type(uint128).max);
        forced = bound(forced, 0, minted);
        wait = bound(wait, 0, 2 days);
        _mint(alice, minted);
        vm.warp(block.timestamp + wait);
        _forced(alice, bob, forced);
        assertLe(_locked(alice), token.balanceOf(alice));
        assertLe(_locked(bob), token.balanceOf(bob));
    }
}

contract TimeLockModuleProxiedTest is TimeLockModuleTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
