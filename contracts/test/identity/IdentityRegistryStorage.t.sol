// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IdentityFixture} from "./IdentityFixture.sol";
import {IdentityRegistryStorage} from "../../src/identity/IdentityRegistryStorage.sol";
import {KeelSystemRoles} from "../../src/system/access/KeelSystemRoles.sol";
import {IIdentity} from "../../src/interfaces/onchainid/IIdentity.sol";

contract IdentityRegistryStorageTest is IdentityFixture {
    address internal boundRegistry = makeAddr("boundRegistry");

    function setUp() public override {
        super.setUp();
        vm.prank(identityManager);
        idStorage.bindIdentityRegistry(boundRegistry);
    }

    function test_bind_listsRegistries() public view {
        address[] memory r = idStorage.linkedIdentityRegistries();
        assertEq(r.length, 2);
        assertEq(r[0], address(registry));
        assertEq(r[1], boundRegistry);
        assertTrue(idStorage.isRegistryBound(boundRegistry));
    }

    function test_bind_bySystemModule() public {
        address module = makeAddr("factory");
        access.grantRole(KeelSystemRoles.SYSTEM_MODULE_ROLE, module);
        vm.prank(module);
        idStorage.bindIdentityRegistry(stranger);
        assertTrue(idStorage.isRegistryBound(stranger));
    }

    function test_bind_strangerReverts() public {
        vm.prank(stranger);
        vm.expectRevert();
        idStorage.bindIdentityRegistry(stranger);
    }

    function test_bind_twiceReverts() public {
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.AlreadyBound.selector, boundRegistry));
        idStorage.bindIdentityRegistry(boundRegistry);
    }

    function test_bind_zeroReverts() public {
        vm.prank(identityManager);
        vm.expectRevert(IdentityRegistryStorage.ZeroAddress.selector);
        idStorage.bindIdentityRegistry(address(0));
    }

    function test_unbind() public {
        vm.prank(identityManager);
        idStorage.unbindIdentityRegistry(boundRegistry);
        assertFalse(idStorage.isRegistryBound(boundRegistry));
        assertEq(idStorage.linkedIdentityRegistries().length, 1);
        vm.prank(boundRegistry);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.NotBoundRegistry.selector, boundRegistry));
        idStorage.addIdentityToStorage(alice, IIdentity(address(aliceId)), US);
    }

    function test_unbind_unknownReverts() public {
        vm.prank(identityManager);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.NotBound.selector, stranger));
        idStorage.unbindIdentityRegistry(stranger);
    }

    function test_unbind_strangerReverts() public {
        vm.prank(stranger);
        vm.expectRevert();
        idStorage.unbindIdentityRegistry(boundRegistry);
    }

    function test_add_modify_remove() public {
        vm.startPrank(boundRegistry);
        idStorage.addIdentityToStorage(alice, IIdentity(address(aliceId)), US);
        assertEq(address(idStorage.storedIdentity(alice)), address(aliceId));
        assertEq(idStorage.storedInvestorCountry(alice), US);
        idStorage.modifyStoredInvestorCountry(alice, DE);
        assertEq(idStorage.storedInvestorCountry(alice), DE);
        idStorage.modifyStoredIdentity(alice, IIdentity(address(bobId)));
        assertEq(address(idStorage.storedIdentity(alice)), address(bobId));
        idStorage.markWalletLost(alice);
        assertTrue(idStorage.isWalletLost(alice));
        (IIdentity id, uint16 c, bool lost) = idStorage.storedEntry(alice);
        assertEq(address(id), address(bobId));
        assertEq(uint256(c), uint256(DE));
        assertTrue(lost);
        idStorage.removeIdentityFromStorage(alice);
        vm.stopPrank();
        assertEq(address(idStorage.storedIdentity(alice)), address(0));
        assertTrue(idStorage.isWalletLost(alice)); // the mark outlives the entry
        vm.prank(boundRegistry);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.WalletIsLost.selector, alice));
        idStorage.addIdentityToStorage(alice, IIdentity(address(aliceId)), US);
    }

    function test_writes_unboundReverts() public {
        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.NotBoundRegistry.selector, stranger));
        idStorage.addIdentityToStorage(alice, IIdentity(address(aliceId)), US);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.NotBoundRegistry.selector, stranger));
        idStorage.removeIdentityFromStorage(alice);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.NotBoundRegistry.selector, stranger));
        idStorage.modifyStoredInvestorCountry(alice, US);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.NotBoundRegistry.selector, stranger));
        idStorage.modifyStoredIdentity(alice, IIdentity(address(aliceId)));
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.NotBoundRegistry.selector, stranger));
        idStorage.markWalletLost(alice);
        vm.stopPrank();
    }

    function test_writes_unknownWalletReverts() public {
        vm.startPrank(boundRegistry);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.WalletNotStored.selector, alice));
        idStorage.removeIdentityFromStorage(alice);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.WalletNotStored.selector, alice));
        idStorage.modifyStoredInvestorCountry(alice, US);
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.WalletNotStored.selector, alice));
        idStorage.modifyStoredIdentity(alice, IIdentity(address(aliceId)));
        vm.expectRevert(abi.encodeWithSelector(IdentityRegistryStorage.WalletNotStored.selector, alice));
        idStorage.markWalletLost(alice);
        vm.expectRevert(IdentityRegistryStorage.ZeroAddress.selector);
        idStorage.addIdentityToStorage(address(0), IIdentity(address(aliceId)), US);
        vm.stopPrank();
    }

    /// @dev The storage is shared: a wallet registered through one asset's registry is
    /// visible through every registry bound to it.
    function test_sharedAcrossRegistries() public {
        _register(alice, aliceId, US);
        vm.prank(boundRegistry);
        idStorage.modifyStoredInvestorCountry(alice, DE);
        assertEq(registry.investorCountry(alice), DE);
    }

    function testFuzz_storeAnyWalletAndCountry(address wallet, uint16 country) public {
        vm.assume(wallet != address(0));
        vm.prank(boundRegistry);
        idStorage.addIdentityToStorage(wallet, IIdentity(address(aliceId)), country);
        assertEq(idStorage.storedInvestorCountry(wallet), country);
        assertFalse(idStorage.isWalletLost(wallet));
    }

    function test_upgrade_onlyAdmin() public {
        address impl = address(new IdentityRegistryStorage());
        vm.prank(stranger);
        vm.expectRevert();
        idStorage.upgradeToAndCall(impl, "");
        idStorage.upgradeToAndCall(impl, "");
        assertTrue(idStorage.isRegistryBound(boundRegistry)); // state survives
    }
}
