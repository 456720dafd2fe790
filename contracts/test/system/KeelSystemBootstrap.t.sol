// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SystemFixture} from "./SystemFixture.sol";
import {KeelSystemBootstrap} from "../../src/system/KeelSystemBootstrap.sol";
import {KeelSystemRoles} from "../../src/system/access/KeelSystemRoles.sol";
import {SystemRegistry} from "../../src/system/SystemRegistry.sol";
import {FactoryRegistry} from "../../src/system/FactoryRegistry.sol";
import {AssetFactory} from "../../src/system/factories/AssetFactory.sol";
import {TrustedIssuersRegistry} from "../../src/identity/TrustedIssuersRegistry.sol";
import {IdentityFactory} from "../../src/identity/IdentityFactory.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";

contract KeelSystemBootstrapTest is SystemFixture {
    function test_registersComponents() public view {
        SystemRegistry r = SystemRegistry(sys.systemRegistry);
        assertEq(r.component("accessManager"), sys.accessManager);
        assertEq(r.component("identityRegistryStorage"), sys.identityStorage);
        assertEq(r.component("systemTrustedIssuersRegistry"), sys.systemIssuersRegistry);
        assertEq(r.component("globalTrustedIssuersRegistry"), sys.globalIssuersRegistry);
        assertEq(r.component("identityFactory"), sys.identityFactory);
        assertEq(r.component("globalCompliance"), sys.globalCompliance);
        assertEq(r.component("factoryRegistry"), sys.factoryRegistry);
        assertEq(r.component("addonRegistry"), sys.addonRegistry);
        assertEq(r.componentNames().length, 11);
    }

    function test_registersOneFactoryPerKind() public view {
        FactoryRegistry f = FactoryRegistry(sys.factoryRegistry);
        bytes32[5] memory kinds = [bytes32("bond"), "equity", "fund", "stablecoin", "deposit"];
        for (uint256 i = 0; i < 5; ++i) {
            assertEq(f.factoryFor(kinds[i]), sys.factories[i]);
            assertEq(AssetFactory(sys.factories[i]).kind(), kinds[i]);
            assertTrue(_access().hasRole(KeelSystemRoles.SYSTEM_MODULE_ROLE, sys.factories[i]));
        }
        assertEq(f.kinds().length, 5);
    }

    function test_tiersLinked() public view {
        assertEq(TrustedIssuersRegistry(sys.systemIssuersRegistry).parentRegistry(), sys.globalIssuersRegistry);
        assertEq(TrustedIssuersRegistry(sys.globalIssuersRegistry).parentRegistry(), address(0));
        assertEq(IdentityFactory(sys.identityFactory).identityBeacon(), sys.identityBeacon);
        assertEq(UpgradeableBeacon(sys.identityBeacon).owner(), admin);
    }

    function test_adminHoldsEveryRole_bootstrapHoldsNone() public view {
        bytes32[5] memory roles = [
            KeelSystemRoles.ADMIN_ROLE,
            KeelSystemRoles.IDENTITY_MANAGER_ROLE,
            KeelSystemRoles.TOKEN_DEPLOYER_ROLE,
            KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE,
            KeelSystemRoles.ADDON_MANAGER_ROLE
        ];
        for (uint256 i = 0; i < roles.length; ++i) {
            assertTrue(_access().hasRole(roles[i], admin));
            assertFalse(_access().hasRole(roles[i], address(bootstrapper)));
        }
        assertFalse(_access().hasRole(KeelSystemRoles.SYSTEM_MANAGER_ROLE, address(bootstrapper)));
    }

    function test_zeroAdminReverts() public {
        vm.expectRevert(KeelSystemBootstrap.ZeroAddress.selector);
        bootstrapper.bootstrap(impls, address(0), address(0));
    }

    function test_missingImplementationReverts() public {
        KeelSystemBootstrap.Implementations memory i = impls;
        i.systemRegistry = address(0);
        vm.expectRevert(KeelSystemBootstrap.ZeroAddress.selector);
        bootstrapper.bootstrap(i, admin, address(0));
    }

    /// @dev A second system reuses the implementations and shares the first system's global tier.
    function test_secondSystemSharesGlobalTier() public {
        KeelSystemBootstrap.System memory s2 = bootstrapper.bootstrap(impls, stranger, sys.globalIssuersRegistry);
        assertEq(s2.globalIssuersRegistry, sys.globalIssuersRegistry);
        assertEq(TrustedIssuersRegistry(s2.systemIssuersRegistry).parentRegistry(), sys.globalIssuersRegistry);
        assertTrue(s2.accessManager != sys.accessManager);
    }

    function test_gas_bootstrap() public {
        uint256 before = gasleft();
        bootstrapper.bootstrap(impls, admin, address(0));
        emit log_named_uint("system bootstrap gas (proxies + wiring)", before - gasleft());
    }

    event log_named_uint(string key, uint256 val);
}
