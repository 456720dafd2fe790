// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ModuleFixture} from "./ModuleFixture.sol";
import {CountryAllowListModule} from "../../../src/compliance/modules/CountryAllowListModule.sol";
import {CountryBlockListModule} from "../../../src/compliance/modules/CountryBlockListModule.sol";

contract CountryAllowListModuleTest is ModuleFixture {
    CountryAllowListModule internal m;

    function _deployModule() internal override returns (address) {
        m = new CountryAllowListModule();
        return address(m);
    }

    function test_name_and_hooks() public view {
        assertEq(m.name(), "CountryAllowList");
        assertEq(uint256(m.hooks()), 0);
    }

    function test_allowedCountryPasses_otherRejected() public {
        _cfg(abi.encodeCall(CountryAllowListModule.setCountryAllowed, (US, true)));
        _mint(alice, 10);
        vm.prank(issuer);
        vm.expectRevert(_rejected(abi.encodeWithSelector(CountryAllowListModule.CountryNotAllowed.selector, bob, DE)));
        token.mint(bob, 10);
        _cfg(abi.encodeCall(CountryAllowListModule.setCountryAllowed, (DE, true)));
        _send(alice, bob, 5);
        assertEq(token.balanceOf(bob), 5);
        _cfg(abi.encodeCall(CountryAllowListModule.setCountryAllowed, (DE, false)));
        vm.prank(alice);
        vm.expectRevert(_rejected(abi.encodeWithSelector(CountryAllowListModule.CountryNotAllowed.selector, bob, DE)));
        token.transfer(bob, 1);
    }

    function test_batchConfig() public {
        uint16[] memory cs = new uint16[](2);
        cs[0] = US;
        cs[1] = FR;
        _cfg(abi.encodeCall(CountryAllowListModule.batchSetCountryAllowed, (cs, true)));
        assertTrue(m.isCountryAllowed(address(compliance), US));
        assertTrue(m.isCountryAllowed(address(compliance), FR));
        assertFalse(m.isCountryAllowed(address(compliance), DE));
    }

    function test_forcedTransferBypasses() public {
        _cfg(abi.encodeCall(CountryAllowListModule.setCountryAllowed, (US, true)));
        _mint(alice, 10);
        _forced(alice, bob, 10);
        assertEq(token.balanceOf(bob), 10);
    }

    function test_rebindClearsConfig() public {
        _cfg(abi.encodeCall(CountryAllowListModule.setCountryAllowed, (US, true)));
        _rebind();
        assertFalse(m.isCountryAllowed(address(compliance), US));
    }

    function testFuzz_onlyAllowedCountries(uint16 allowed, uint16 recipientCountry) public {
        _cfg(abi.encodeCall(CountryAllowListModule.setCountryAllowed, (allowed, true)));
        registry.updateCountry(bob, recipientCountry);
        assertEq(compliance.canTransfer(alice, bob, 1), allowed == recipientCountry);
    }
}

contract CountryBlockListModuleTest is ModuleFixture {
    CountryBlockListModule internal m;

    function _deployModule() internal override returns (address) {
        m = new CountryBlockListModule();
        return address(m);
    }

    function test_name_and_hooks() public view {
        assertEq(m.name(), "CountryBlockList");
        assertEq(uint256(m.hooks()), 0);
    }

    function test_blockedCountryRejected() public {
        _mint(alice, 10);
        _send(alice, bob, 1);
        _cfg(abi.encodeCall(CountryBlockListModule.setCountryBlocked, (DE, true)));
        vm.prank(alice);
        vm.expectRevert(_rejected(abi.encodeWithSelector(CountryBlockListModule.CountryBlocked.selector, bob, DE)));
        token.transfer(bob, 1);
        _send(alice, carol, 1);
        uint16[] memory cs = new uint16[](1);
        cs[0] = DE;
        _cfg(abi.encodeCall(CountryBlockListModule.batchSetCountryBlocked, (cs, false)));
        _send(alice, bob, 1);
        assertFalse(m.isCountryBlocked(address(compliance), DE));
    }

    function test_rebindClearsConfig() public {
        _cfg(abi.encodeCall(CountryBlockListModule.setCountryBlocked, (DE, true)));
        _rebind();
        assertFalse(m.isCountryBlocked(address(compliance), DE));
    }

    function testFuzz_blockedCountries(uint16 blocked, uint16 recipientCountry) public {
        _cfg(abi.encodeCall(CountryBlockListModule.setCountryBlocked, (blocked, true)));
        registry.updateCountry(bob, recipientCountry);
        assertEq(compliance.canTransfer(alice, bob, 1), blocked != recipientCountry);
    }
}

contract CountryAllowListModuleProxiedTest is CountryAllowListModuleTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}

contract CountryBlockListModuleProxiedTest is CountryBlockListModuleTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
