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

    // ---------------------------------------------------------------- investors = identities

    /// @dev A second wallet of `owner`'s identity, same country.
    function _secondWallet(address owner, string memory label, uint16 country) internal returns (address w) {
        w = makeAddr(label);
        registry.registerIdentity(w, registry.identity(owner), country);
    }

    function _countIn(uint16 country) internal view returns (uint256) {
        return m.holderCountByCountry(address(compliance), address(token), country);
    }

    function test_walletsOfOneIdentityAreOneInvestor() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (10)));
        address alice2 = _secondWallet(alice, "alice2", US);
        _mint(alice, 10);
        _mint(alice2, 5);
        assertEq(_count(), 1);
        assertEq(_countIn(US), 1);
        assertEq(m.holdingWalletsOf(address(compliance), address(token), address(registry.identity(alice))), 2);
        assertEq(m.investorOf(address(compliance), address(token), alice2), address(registry.identity(alice)));
        _send(alice, bob, 10); // alice's first wallet empties; her identity still holds
        assertEq(_count(), 2);
        assertEq(_countIn(US), 1);
        _send(alice2, bob, 5);
        assertEq(_count(), 1);
        assertEq(_countIn(US), 0);
        assertEq(m.investorOf(address(compliance), address(token), alice2), address(0));
    }

    function test_limitAllowsAnotherWalletOfAHoldingIdentity() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (2)));
        address alice2 = _secondWallet(alice, "alice2", US);
        _mint(alice, 10);
        _send(alice, bob, 5);
        // two investors: a new wallet of alice's identity adds none
        _send(bob, alice2, 1);
        assertEq(_count(), 2);
        vm.prank(bob);
        vm.expectRevert(_rejected(abi.encodeWithSelector(MaxInvestorCountModule.MaxInvestorsExceeded.selector, 3, 2)));
        token.transfer(carol, 1);
    }

    function test_senderLeavingOnlyWhenItsLastWalletEmpties() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (2)));
        address alice2 = _secondWallet(alice, "alice2", US);
        _mint(alice, 10);
        _mint(alice2, 10);
        _mint(bob, 10);
        // alice's wallet empties into carol, but alice2 still holds: 3 investors > 2
        vm.prank(alice);
        vm.expectRevert(_rejected(abi.encodeWithSelector(MaxInvestorCountModule.MaxInvestorsExceeded.selector, 3, 2)));
        token.transfer(carol, 10);
        _send(alice2, alice, 10); // alice's identity now holds through one wallet only
        _send(alice, carol, 20); // alice leaves, carol joins
        assertEq(_count(), 2);
    }

    function test_perCountryCountsIdentities() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (10)));
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestorsPerCountry, (DE, 1)));
        address bob2 = _secondWallet(bob, "bob2", DE);
        _mint(bob, 10);
        _send(bob, bob2, 4); // same identity: DE still 1
        assertEq(_countIn(DE), 1);
        address dave = makeAddr("dave");
        registry.register(dave, DE);
        vm.prank(bob2);
        vm.expectRevert(
            _rejected(abi.encodeWithSelector(MaxInvestorCountModule.MaxInvestorsPerCountryExceeded.selector, DE, 2, 1))
        );
        token.transfer(dave, 1);
    }

    function test_recoveryToANewWalletKeepsTheCount() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (2)));
        _mint(alice, 10);
        _mint(bob, 10);
        address id = address(registry.identity(alice));
        address aliceNew = _secondWallet(alice, "alice-new", US);
        vm.prank(custodian);
        token.recoveryAddress(alice, aliceNew, id);
        assertEq(_count(), 2);
        assertEq(_countIn(US), 1);
        assertEq(m.holdingWalletsOf(address(compliance), address(token), id), 1);
        assertEq(m.investorOf(address(compliance), address(token), aliceNew), id);
        assertEq(m.investorOf(address(compliance), address(token), alice), address(0));
        // the recovered wallet still counts as the same investor at the limit
        _send(bob, aliceNew, 1);
        assertEq(_count(), 2);
    }

    function test_forcedTransferBetweenWalletsOfOneIdentity() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (1)));
        address alice2 = _secondWallet(alice, "alice2", US);
        _mint(alice, 10);
        _forced(alice, alice2, 4);
        assertEq(_count(), 1);
        _forced(alice, bob, 6); // beyond the limit: forced moves are allowed, counts stay exact
        assertEq(_count(), 2);
        _forced(alice2, bob, 4);
        assertEq(_count(), 1);
        assertEq(_countIn(US), 0);
        assertEq(_countIn(DE), 1);
    }

    function test_identityChangeWhileHoldingKeepsCountsExact() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (10)));
        _mint(alice, 10);
        // the registry moves alice's wallet to bob's identity while it holds
        registry.registerIdentity(alice, registry.identity(bob), US);
        _mint(bob, 10);
        assertEq(_count(), 2, "alice's wallet stays counted under the identity it joined with");
        _send(alice, carol, 10);
        assertEq(_count(), 2, "alice left, carol joined");
        assertEq(_countIn(US), 0);
    }

    function test_identityDeletedWhileHoldingStillLeavesCleanly() public {
        _cfg(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (10)));
        address id = address(registry.identity(alice));
        _mint(alice, 10);
        registry.deleteIdentity(alice); // still holds; no longer in the registry
        _forced(alice, bob, 10);
        assertEq(_count(), 1);
        assertEq(_countIn(US), 0);
        assertEq(m.holdingWalletsOf(address(compliance), address(token), id), 0);
        assertEq(m.investorOf(address(compliance), address(token), alice), address(0));
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
