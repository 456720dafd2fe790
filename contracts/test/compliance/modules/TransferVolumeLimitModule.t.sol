// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ModuleFixture} from "./ModuleFixture.sol";
import {TransferVolumeLimitModule} from "../../../src/compliance/modules/TransferVolumeLimitModule.sol";

contract TransferVolumeLimitModuleTest is ModuleFixture {
    TransferVolumeLimitModule internal m;

    function _deployModule() internal override returns (address) {
        m = new TransferVolumeLimitModule();
        return address(m);
    }

    function setUp() public override {
        super.setUp();
        vm.warp(1_000_000);
        _cfg(abi.encodeCall(TransferVolumeLimitModule.setVolumeLimit, (1 days, 100)));
        _mint(alice, 1_000);
    }

    function _volume(address who) internal view returns (uint256) {
        return m.volumeInWindow(address(compliance), address(token), who);
    }

    function test_name_config() public view {
        assertEq(m.name(), "TransferVolumeLimit");
        (uint64 window, uint256 limit) = m.config(address(compliance));
        assertEq(uint256(window), 1 days);
        assertEq(limit, 100);
    }

    function test_rollingWindow() public {
        _send(alice, bob, 60);
        vm.warp(block.timestamp + 12 hours);
        _send(alice, bob, 40);
        assertEq(_volume(alice), 100);
        vm.prank(alice);
        vm.expectRevert(
            _rejected(abi.encodeWithSelector(TransferVolumeLimitModule.TransferVolumeExceeded.selector, alice, 101, 100))
        );
        token.transfer(bob, 1);
        vm.warp(block.timestamp + 12 hours); // the first 60 left the window
        assertEq(_volume(alice), 40);
        _send(alice, bob, 60);
        vm.warp(block.timestamp + 1 days);
        assertEq(_volume(alice), 0);
        _send(alice, bob, 100);
    }

    function test_sameSecondTransfersAggregate() public {
        _send(alice, bob, 30);
        _send(alice, bob, 30);
        assertEq(_volume(alice), 60);
    }

    function test_mintsNotCounted_forcedCountedWithoutRevert() public {
        _mint(alice, 500);
        assertEq(_volume(alice), 0);
        _forced(alice, bob, 500);
        assertEq(_volume(alice), 500);
    }

    function test_ringFull_mergesConservatively() public {
        _cfg(abi.encodeCall(TransferVolumeLimitModule.setVolumeLimit, (1 days, 1_000)));
        uint256 n = m.RING_SIZE() + 8;
        for (uint256 i = 0; i < n; ++i) {
            vm.warp(block.timestamp + 1);
            _send(alice, bob, 1);
        }
        assertEq(_volume(alice), n);
        // the 31 oldest entries leave on time; the merged newest entry counts until a day
        // after the last transfer
        vm.warp(block.timestamp + 1 days - 1);
        assertEq(_volume(alice), n - (m.RING_SIZE() - 1));
        vm.warp(block.timestamp + 1);
        assertEq(_volume(alice), 0);
        _send(alice, bob, token.balanceOf(alice)); // the whole limit is available again
    }

    function test_ringSlotsReusedAcrossWraps() public {
        _cfg(abi.encodeCall(TransferVolumeLimitModule.setVolumeLimit, (10, 1_000)));
        for (uint256 i = 0; i < 3 * m.RING_SIZE(); ++i) {
            vm.warp(block.timestamp + 1);
            _send(alice, bob, 1);
            assertLe(_volume(alice), 10);
        }
        assertEq(_volume(alice), 10);
    }

    function test_rebindResets() public {
        _send(alice, bob, 100);
        _rebind();
        assertEq(_volume(alice), 0);
    }

    function testFuzz_volumeNeverExceedsLimitThroughStandardTransfers(uint256[4] memory amounts, uint256[4] memory gaps)
        public
    {
        for (uint256 i = 0; i < 4; ++i) {
            uint256 amount = bound(amounts[i], 0, 120);
            vm.warp(block.timestamp + bound(gaps[i], 0, 1 days));
            if (compliance.canTransfer(alice, bob, amount)) _send(alice, bob, amount);
            assertLe(_volume(alice), 100);
        }
    }
}

contract TransferVolumeLimitModuleProxiedTest is TransferVolumeLimitModuleTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
