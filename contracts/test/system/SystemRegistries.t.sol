// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SystemFixture} from "./SystemFixture.sol";
import {SystemRegistry} from "../../src/system/SystemRegistry.sol";
import {FactoryRegistry} from "../../src/system/FactoryRegistry.sol";
import {AddonRegistry} from "../../src/system/AddonRegistry.sol";
import {KeelDirectory} from "../../src/system/KeelDirectory.sol";
import {KeelAccessManager} from "../../src/system/access/KeelAccessManager.sol";
import {KeelAccessManaged} from "../../src/system/access/KeelAccessManaged.sol";
import {KeelSystemRoles} from "../../src/system/access/KeelSystemRoles.sol";

contract SystemRegistriesTest is SystemFixture {
    address internal module = makeAddr("module");

    function _sr() internal view returns (SystemRegistry) {
        return SystemRegistry(sys.systemRegistry);
    }

    // ---------------------------------------------------------------- system registry

    function test_setComponent_replaceAndRemove() public {
        _sr().setComponent("oracle", address(1));
        _sr().setComponent("oracle", address(2));
        assertEq(_sr().component("oracle"), address(2));
        assertEq(_sr().componentNames().length, 12);
        _sr().removeComponent("oracle");
        assertEq(_sr().component("oracle"), address(0));
        assertEq(_sr().componentNames().length, 11);
    }

    function test_setComponent_reverts() public {
        vm.expectRevert(KeelDirectory.ZeroAddress.selector);
        _sr().setComponent("oracle", address(0));
        vm.expectRevert(abi.encodeWithSelector(KeelDirectory.UnknownEntry.selector, bytes32("nope")));
        _sr().removeComponent("nope");
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(KeelAccessManaged.MissingRole.selector, stranger, KeelSystemRoles.SYSTEM_MANAGER_ROLE)
        );
        _sr().setComponent("oracle", address(1));
        vm.prank(stranger);
        vm.expectRevert();
        _sr().removeComponent("accessManager");
    }

    function test_directory_bounded() public {
        for (uint256 i = 0; i < 53; ++i) {
            _sr().setComponent(bytes32(i + 1000), address(1));
        }
        vm.expectRevert(KeelDirectory.TooManyEntries.selector);
        _sr().setComponent("one-too-many", address(1));
    }

    function test_registerAsset_systemModuleOnly() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(KeelAccessManaged.MissingRole.selector, stranger, KeelSystemRoles.SYSTEM_MODULE_ROLE)
        );
        _sr().registerAsset(address(7), "bond");
        _access().grantRole(KeelSystemRoles.SYSTEM_MODULE_ROLE, module);
        vm.startPrank(module);
        _sr().registerAsset(address(7), "bond");
        vm.expectRevert(abi.encodeWithSelector(SystemRegistry.AssetAlreadyRegistered.selector, address(7)));
        _sr().registerAsset(address(7), "bond");
        vm.expectRevert(KeelDirectory.ZeroAddress.selector);
        _sr().registerAsset(address(0), "bond");
        vm.stopPrank();
        assertTrue(_sr().isAsset(address(7)));
        assertEq(_sr().assetKind(address(7)), bytes32("bond"));
    }

    function test_assets_paging() public {
        _access().grantRole(KeelSystemRoles.SYSTEM_MODULE_ROLE, module);
        vm.startPrank(module);
        for (uint160 i = 1; i <= 5; ++i) {
            _sr().registerAsset(address(i), "equity");
        }
        vm.stopPrank();
        assertEq(_sr().assetCount(), 5);
        address[] memory p = _sr().assets(1, 2);
        assertEq(p.length, 2);
        assertEq(p[0], address(2));
        assertEq(_sr().assets(4, 10).length, 1);
        assertEq(_sr().assets(5, 10).length, 0);
    }

    function testFuzz_assets_pagingCoversAll(uint8 count, uint8 limit) public {
        uint256 n = bound(count, 0, 20);
        uint256 l = bound(limit, 1, 7);
        _access().grantRole(KeelSystemRoles.SYSTEM_MODULE_ROLE, module);
        vm.startPrank(module);
        for (uint160 i = 1; i <= n; ++i) {
            _sr().registerAsset(address(i), "fund");
        }
        vm.stopPrank();
        uint256 seen = 0;
        for (uint256 off = 0; off < n; off += l) {
            address[] memory p = _sr().assets(off, l);
            for (uint256 j = 0; j < p.length; ++j) {
                assertEq(p[j], address(uint160(off + j + 1)));
            }
            seen += p.length;
        }
        assertEq(seen, n);
    }

    // ---------------------------------------------------------------- factory / addon registries

    function test_factoryRegistry() public {
        FactoryRegistry f = FactoryRegistry(sys.factoryRegistry);
        f.setFactory("warrant", address(9));
        assertEq(f.factoryFor("warrant"), address(9));
        f.removeFactory("warrant");
        assertEq(f.factoryFor("warrant"), address(0));
        vm.prank(stranger);
        vm.expectRevert();
        f.setFactory("warrant", address(9));
        vm.prank(stranger);
        vm.expectRevert();
        f.removeFactory("bond");
    }

    function test_addonRegistry() public {
        AddonRegistry r = AddonRegistry(sys.addonRegistry);
        r.setAddon("airdrop", address(5));
        assertEq(r.addon("airdrop"), address(5));
        assertEq(r.addonNames().length, 1);
        r.removeAddon("airdrop");
        assertEq(r.addonNames().length, 0);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(KeelAccessManaged.MissingRole.selector, stranger, KeelSystemRoles.ADDON_MANAGER_ROLE)
        );
        r.setAddon("xvp", address(5));
        vm.prank(stranger);
        vm.expectRevert();
        r.removeAddon("xvp");
    }

    // ---------------------------------------------------------------- access manager

    function test_accessManager_grantRolesAndHasAny() public {
        KeelAccessManager am = _access();
        bytes32[] memory roles = new bytes32[](2);
        address[] memory who = new address[](2);
        roles[0] = KeelSystemRoles.IDENTITY_MANAGER_ROLE;
        roles[1] = KeelSystemRoles.CUSTODIAN_ROLE;
        who[0] = stranger;
        who[1] = module;
        am.grantRoles(roles, who);
        assertTrue(am.hasRole(KeelSystemRoles.IDENTITY_MANAGER_ROLE, stranger));
        assertTrue(am.hasAnyRole(roles, module));
        assertFalse(am.hasAnyRole(roles, address(0xdead)));
        vm.expectRevert(KeelAccessManager.LengthMismatch.selector);
        am.grantRoles(roles, new address[](1));
        vm.prank(stranger);
        vm.expectRevert();
        am.grantRoles(roles, who);
    }

    function test_accessManager_initializeZeroReverts() public {
        address impl = address(new KeelAccessManager());
        vm.expectRevert(KeelAccessManager.ZeroAddress.selector);
        new ERC1967ProxyShim(impl, abi.encodeCall(KeelAccessManager.initialize, (address(0))));
    }

    function test_accessManager_upgradeAdminOnly() public {
        address impl = address(new KeelAccessManager());
        vm.prank(stranger);
        vm.expectRevert();
        _access().upgradeToAndCall(impl, "");
        _access().upgradeToAndCall(impl, "");
        assertTrue(_access().hasRole(KeelSystemRoles.ADMIN_ROLE, admin));
    }

    function test_registries_upgradeAdminOnly() public {
        address impl = address(new SystemRegistry());
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(KeelAccessManaged.MissingRole.selector, stranger, bytes32(0)));
        _sr().upgradeToAndCall(impl, "");
        _sr().upgradeToAndCall(impl, "");
        assertEq(_sr().component("accessManager"), sys.accessManager);
        assertEq(_sr().accessManager(), sys.accessManager);
    }
}

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

contract ERC1967ProxyShim is ERC1967Proxy {
    constructor(address impl, bytes memory data) ERC1967Proxy(impl, data) {}
}
