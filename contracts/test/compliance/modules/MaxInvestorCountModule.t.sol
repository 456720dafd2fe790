// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ModuleFixture} from "./ModuleFixture.sol";
import {MaxInvestorCountModule} from "../../../src/compliance/modules/MaxInvestorCountModule.sol";

contract MaxInvestorCountModuleTest is ModuleFixture {
    MaxInvestorCountModule internal m;

    function _deployModule() internal override returns (address) {
        m = new MaxInvestorCountModule();
        return address(m);
    }

    function _count() internal view returns (uint256) {
        return m.holderCount(address(compliance), address(token));
    }

    function test_name() public view {
        assertEq(m.name(), "MaxInvestorCount");
    }

    function test_countsHoldersThroughMintTransferBurn() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (10)));
        _mint(alice, 10);
        assertEq(_count(), 1);
        _send(alice, bob, 4);
        assertEq(_count(), 2);
        _send(bob, alice, 4);
        assertEq(_count(), 1, "bob left");
        _send(alice, carol, 10);
        assertEq(_count(), 1, "alice left, carol joined");
        assertEq(m.holderCountByCountry(address(compliance), address(token), FR), 1);
        assertEq(m.holderCountByCountry(address(compliance), address(token), US), 0);
        vm.prank(issuer);
        token.burn(carol, 10);
        assertEq(_count(), 0);
    }

    function test_globalLimit() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (2)));
        _mint(alice, 10);
        _send(alice, bob, 1);
        vm.prank(alice);
        vm.expectRevert(_rejected(abi.encodeWithSelector(MaxInvestorCountModule.MaxInvestorsExceeded.selector, 3, 2)));
        token.transfer(carol, 1);
        // moving everything to a new holder keeps the count
        _send(bob, alice, 1);
        _send(alice, carol, 10);
        assertEq(_count(), 1);
    }

    function test_perCountryLimit() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (10)));
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestorsPerCountry, (DE, 1)));
        address dave = makeAddr("dave");
        registry.register(dave, DE);
        _mint(bob, 10);
        vm.prank(bob);
        vm.expectRevert(
            _rejected(abi.encodeWithSelector(MaxInvestorCountModule.MaxInvestorsPerCountryExceeded.selector, DE, 2, 1))
        );
        token.transfer(dave, 1);
        // bob hands over everything: DE count stays 1
        _send(bob, dave, 10);
        assertEq(m.holderCountByCountry(address(compliance), address(token), DE), 1);
    }

    function test_forcedTransferHooksKeepCountsExact() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (1)));
        _mint(alice, 10);
        _forced(alice, bob, 5); // exceeds the limit, allowed for custodian
        assertEq(_count(), 2);
        _forced(alice, bob, 5);
        assertEq(_count(), 1);
    }

    function test_countryRecordedAtEntry() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (10)));
        _mint(bob, 10);
        registry.updateCountry(bob, FR);
        _send(bob, alice, 10);
        assertEq(m.holderCountByCountry(address(compliance), address(token), DE), 0);
        assertEq(m.holderCountByCountry(address(compliance), address(token), FR), 0);
    }

    function test_rebindResetsCounts() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (10)));
        _mint(alice, 10);
        _rebind();
        assertEq(_count(), 0);
    }

    function testFuzz_countMatchesHolders(uint256 a, uint256 b, uint256 c) public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (3)));
        a = bound(a, 0, 100);
        b = bound(b, 0, 100);
        c = bound(c, 0, 100);
        _mint(alice, 300);
        _send(alice, bob, a);
        _send(alice, carol, b);
        _send(alice, bob, c);
        uint256 holders = (token.balanceOf(alice) > 0 ? 1 : 0) + (token.balanceOf(bob) > 0 ? 1 : 0)
            + (token.balanceOf(carol) > 0 ? 1 : 0);
        assertEq(_count(), holders);
    }
}

contract MaxInvestorCountModuleProxiedTest is MaxInvestorCountModuleTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
