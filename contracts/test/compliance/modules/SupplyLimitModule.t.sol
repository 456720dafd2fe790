// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ModuleFixture} from "./ModuleFixture.sol";
import {SupplyLimitModule} from "../../../src/compliance/modules/SupplyLimitModule.sol";

contract SupplyLimitModuleTest is ModuleFixture {
    SupplyLimitModule internal m;

    function _deployModule() internal override returns (address) {
        m = new SupplyLimitModule();
        return address(m);
    }

    function test_name() public view {
        assertEq(m.name(), "SupplyLimit");
    }

    function test_cap() public {
        _cfg(abi.encodeCall(SupplyLimitModule.setSupplyCap, (100)));
        _mint(alice, 60);
        vm.prank(issuer);
        vm.expectRevert(_rejected(abi.encodeWithSelector(SupplyLimitModule.SupplyCapExceeded.selector, 101, 100)));
        token.mint(bob, 41);
        _mint(bob, 40);
        _send(alice, bob, 10); // transfers are not supply changes
        vm.prank(issuer);
        token.burn(alice, 50);
        _mint(carol, 50);
        assertEq(token.totalSupply(), 100);
    }

    function test_periodLimit_resetsNextPeriod() public {
        vm.warp(1_000_000);
        _cfg(abi.encodeCall(SupplyLimitModule.setPeriodLimit, (1 days, 100)));
        _mint(alice, 70);
        assertEq(m.mintedInCurrentPeriod(address(compliance), address(token)), 70);
        vm.prank(issuer);
        vm.expectRevert(
            _rejected(abi.encodeWithSelector(SupplyLimitModule.PeriodSupplyLimitExceeded.selector, 101, 100))
        );
        token.mint(alice, 31);
        vm.warp(block.timestamp + 1 days);
        assertEq(m.mintedInCurrentPeriod(address(compliance), address(token)), 0);
        _mint(alice, 100);
        (uint256 cap, uint64 len, uint256 limit) = m.config(address(compliance));
        assertEq(cap, 0);
        assertEq(uint256(len), 1 days);
        assertEq(limit, 100);
    }

    function test_rebindResetsConfigAndState() public {
        _cfg(abi.encodeCall(SupplyLimitModule.setSupplyCap, (1)));
        _rebind();
        _mint(alice, 1000);
    }

    function testFuzz_cap(uint256 cap, uint256 amount) public {
        cap = bound(cap, 1, type(uint128).max);
        amount = bound(amount, 0, type(uint128).max);
        _cfg(abi.encodeCall(SupplyLimitModule.setSupplyCap, (cap)));
        assertEq(compliance.canTransfer(address(0), alice, amount), amount <= cap);
    }
}

contract SupplyLimitModuleProxiedTest is SupplyLimitModuleTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
