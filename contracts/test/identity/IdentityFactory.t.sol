// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IdentityFixture} from "./IdentityFixture.sol";
import {IdentityFactory} from "../../src/identity/IdentityFactory.sol";
import {KeelIdentity} from "../../src/identity/KeelIdentity.sol";
import {KeelIdentityProxy} from "../../src/identity/KeelIdentityProxy.sol";
import {KeelSystemRoles} from "../../src/system/access/KeelSystemRoles.sol";

/// @dev A later identity implementation (for the beacon upgrade test).
contract KeelIdentityV2 is KeelIdentity {
    constructor() KeelIdentity(true) {}

    function version() external pure returns (uint256) {
        return 2;
    }
}

contract IdentityFactoryTest is IdentityFixture {
    function test_createIdentity_atPredictedAddress() public {
        address[] memory keys = new address[](1);
        keys[0] = identityManager;
        address predicted = factory.predictIdentityAddress(stranger, keys);
        vm.prank(identityManager);
        address id = factory.createIdentity(stranger, keys);
        assertEq(id, predicted);
        assertTrue(KeelIdentity(payable(id)).keyHasPurpose(_key(stranger), 1));
        assertTrue(KeelIdentity(payable(id)).keyHasPurpose(_key(identityManager), 3));
    }

    function test_createIdentity_twiceForSameOwnerReverts() public {
        address[] memory keys = new address[](1);
        keys[0] = identityManager;
        vm.prank(identityManager);
        vm.expectRevert();
        factory.createIdentity(alice, keys);
    }

    function test_createIdentity_zeroOwnerReverts() public {
        vm.prank(identityManager);
        vm.expectRevert(IdentityFactory.ZeroAddress.selector);
        factory.createIdentity(address(0), new address[](0));
    }

    function test_createIdentity_strangerReverts() public {
        vm.prank(stranger);
        vm.expectRevert();
        factory.createIdentity(stranger, new address[](0));
    }

    function test_createIdentity_bySystemModule() public {
        address module = makeAddr("assetFactory");
        access.grantRole(KeelSystemRoles.SYSTEM_MODULE_ROLE, module);
        vm.prank(module);
        address id = factory.createIdentity(stranger, new address[](0));
        assertTrue(id.code.length > 0);
    }

    function test_createClaimIssuer() public {
        address[] memory keys = new address[](1);
        keys[0] = signer;
        address predicted = factory.predictClaimIssuerAddress(stranger, keys);
        vm.prank(identityManager);
        address iss = factory.createClaimIssuer(stranger, keys);
        assertEq(iss, predicted);
        assertTrue(KeelIdentity(payable(iss)).keyHasPurpose(_key(signer), 3));
    }

    function test_createClaimIssuer_withoutRoleReverts() public {
        access.grantRole(KeelSystemRoles.IDENTITY_MANAGER_ROLE, stranger);
        vm.prank(stranger);
        vm.expectRevert();
        factory.createClaimIssuer(stranger, new address[](0));
    }

    function test_beacons() public view {
        assertEq(factory.identityBeacon(), address(identityBeacon));
        assertEq(factory.claimIssuerBeacon(), address(issuerBeacon));
    }

    function test_initialize_zeroBeaconReverts() public {
        address impl = address(new IdentityFactory());
        vm.expectRevert(IdentityFactory.ZeroAddress.selector);
        _proxy(impl, abi.encodeCall(IdentityFactory.initialize, (address(access), address(0), address(issuerBeacon))));
    }

    function test_proxy_bubblesInitializerRevert() public {
        vm.expectRevert(KeelIdentity.ZeroAddress.selector);
        new KeelIdentityProxy(address(identityBeacon), abi.encodeCall(KeelIdentity.initialize, (address(0), new address[](0))));
    }

    function test_proxy_emptyRevertReported() public {
        vm.expectRevert(KeelIdentityProxy.InitializationFailed.selector);
        new KeelIdentityProxy(address(identityBeacon), abi.encodeWithSignature("nope()"));
    }

    function test_proxy_initializeOnlyOnce() public {
        vm.expectRevert(KeelIdentity.AlreadyInitialized.selector);
        aliceId.initialize(stranger, new address[](0));
    }

    function test_implementation_isSealed() public {
        KeelIdentity impl = KeelIdentity(payable(identityBeacon.implementation()));
        vm.expectRevert(KeelIdentity.AlreadyInitialized.selector);
        impl.initialize(stranger, new address[](0));
    }

    /// @dev One beacon upgrade moves every investor identity to the new code; keys stay.
    function test_beaconUpgrade_upgradesAllIdentities() public {
        identityBeacon.upgradeTo(address(new KeelIdentityV2()));
        assertEq(KeelIdentityV2(payable(address(aliceId))).version(), 2);
        assertEq(KeelIdentityV2(payable(address(bobId))).version(), 2);
        assertTrue(aliceId.keyHasPurpose(_key(alice), 1));
    }

    /// @dev Gas of one investor identity (beacon proxy + MANAGEMENT key + one CLAIM key).
    /// Reported in contracts/README.md; the bound keeps regressions visible.
    function test_gas_investorIdentityDeployment() public {
        address[] memory keys = new address[](1);
        keys[0] = identityManager;
        vm.prank(identityManager);
        uint256 before = gasleft();
        factory.createIdentity(makeAddr("newInvestor"), keys);
        uint256 used = before - gasleft();
        emit log_named_uint("investor identity deployment gas (execution, excl. 21k base + calldata)", used);
        assertLt(used, 260_000);
    }

    function test_gas_investorIdentityOwnerOnly() public {
        vm.prank(identityManager);
        uint256 before = gasleft();
        factory.createIdentity(makeAddr("newInvestor2"), new address[](0));
        uint256 used = before - gasleft();
        emit log_named_uint("investor identity deployment gas, owner key only", used);
        assertLt(used, 190_000);
    }

    event log_named_uint(string key, uint256 val);
}
