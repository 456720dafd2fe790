// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {KeelAccessManager} from "./access/KeelAccessManager.sol";
import {KeelSystemRoles} from "./access/KeelSystemRoles.sol";
import {SystemRegistry} from "./SystemRegistry.sol";
import {FactoryRegistry} from "./FactoryRegistry.sol";
import {AddonRegistry} from "./AddonRegistry.sol";
import {AssetFactory} from "./factories/AssetFactory.sol";
import {IdentityRegistryStorage} from "../identity/IdentityRegistryStorage.sol";
import {TrustedIssuersRegistry} from "../identity/TrustedIssuersRegistry.sol";
import {IdentityFactory} from "../identity/IdentityFactory.sol";
import {GlobalCompliance} from "../compliance/GlobalCompliance.sol";

/// @title KeelSystemBootstrap — wires a whole Keel system in one call.
/// @notice Given the implementations (deployed once, shareable between systems), one
/// `bootstrap` call deploys every system contract as a proxy, links them, registers the
/// components, the compliance modules and the five asset factories (each pointed at its
/// kind's token implementation), grants the factories SYSTEM_MODULE_ROLE and
/// the admin every operator role, then hands the access manager to the admin (the
/// bootstrap keeps no role). Split the roles among operators afterwards.
contract KeelSystemBootstrap {
    uint256 public constant KIND_COUNT = 5;

    struct Implementations {
        address accessManager;
        address systemRegistry;
        address factoryRegistry;
        address addonRegistry;
        address identityStorage;
        address trustedIssuersRegistry;
        address claimTopicsRegistry;
        address identityRegistry;
        address identityFactory;
        address identity;
        address claimIssuer;
        address globalCompliance;
        address compliance;
        /// @dev Token implementation per kind: bond, equity, fund, stablecoin, deposit.
        address[KIND_COUNT] tokens;
        /// @dev bond, equity, fund, stablecoin, deposit
        address[KIND_COUNT] factories;
        /// @dev Shared compliance module instances registered in the SystemRegistry (the
        /// factories bind only registered modules).
        address[] complianceModules;
    }

    struct System {
        address accessManager;
        address systemRegistry;
        address factoryRegistry;
        address addonRegistry;
        address identityStorage;
        address globalIssuersRegistry;
        address systemIssuersRegistry;
        address identityFactory;
        address identityBeacon;
        address claimIssuerBeacon;
        address globalCompliance;
        address[KIND_COUNT] factories;
    }

    error ZeroAddress();

    event SystemBootstrapped(address indexed admin, address indexed accessManager, address systemRegistry);

    /// @param admin the system's administrator (receives every role).
    /// @param globalIssuers an existing global (cross-system) trusted issuers registry to
    /// use as the top tier, or 0 to deploy one governed by this system.
    function bootstrap(Implementations calldata impl, address admin, address globalIssuers)
        external
        returns (System memory s)
    {
        if (admin == address(0)) revert ZeroAddress();
        s.accessManager = _proxy(impl.accessManager, abi.encodeCall(KeelAccessManager.initialize, (address(this))));
        address am = s.accessManager;
        s.systemRegistry = _proxy(impl.systemRegistry, abi.encodeCall(SystemRegistry.initialize, (am)));
        s.factoryRegistry = _proxy(impl.factoryRegistry, abi.encodeCall(FactoryRegistry.initialize, (am)));
        s.addonRegistry = _proxy(impl.addonRegistry, abi.encodeCall(AddonRegistry.initialize, (am)));
        s.identityStorage = _proxy(impl.identityStorage, abi.encodeCall(IdentityRegistryStorage.initialize, (am)));
        s.globalIssuersRegistry = globalIssuers != address(0)
            ? globalIssuers
            : _proxy(
                impl.trustedIssuersRegistry,
                abi.encodeCall(TrustedIssuersRegistry.initialize, (am, address(0), address(0)))
            );
        s.systemIssuersRegistry = _proxy(
            impl.trustedIssuersRegistry,
            abi.encodeCall(TrustedIssuersRegistry.initialize, (am, address(0), s.globalIssuersRegistry))
        );
        s.identityBeacon = address(new UpgradeableBeacon(impl.identity, admin));
        s.claimIssuerBeacon = address(new UpgradeableBeacon(impl.claimIssuer, admin));
        s.identityFactory = _proxy(
            impl.identityFactory,
            abi.encodeCall(IdentityFactory.initialize, (am, s.identityBeacon, s.claimIssuerBeacon))
        );
        s.globalCompliance = _proxy(impl.globalCompliance, abi.encodeCall(GlobalCompliance.initialize, (admin)));

        AssetFactory.Config memory cfg = AssetFactory.Config({
            tokenImplementation: address(0),
            complianceImplementation: impl.compliance,
            identityRegistryImplementation: impl.identityRegistry,
            topicsRegistryImplementation: impl.claimTopicsRegistry,
            issuersRegistryImplementation: impl.trustedIssuersRegistry,
            identityStorage: s.identityStorage,
            systemIssuersRegistry: s.systemIssuersRegistry,
            globalCompliance: s.globalCompliance,
            identityFactory: s.identityFactory,
            systemRegistry: s.systemRegistry
        });
        KeelAccessManager access = KeelAccessManager(am);
        access.grantRole(KeelSystemRoles.SYSTEM_MANAGER_ROLE, address(this));
        for (uint256 i = 0; i < KIND_COUNT; ++i) {
            if (impl.tokens[i] == address(0)) revert ZeroAddress();
            cfg.tokenImplementation = impl.tokens[i];
            s.factories[i] = _proxy(impl.factories[i], abi.encodeCall(AssetFactory.initialize, (am, cfg)));
            access.grantRole(KeelSystemRoles.SYSTEM_MODULE_ROLE, s.factories[i]);
            FactoryRegistry(s.factoryRegistry).setFactory(AssetFactory(s.factories[i]).kind(), s.factories[i]);
        }
        _registerComponents(s);
        for (uint256 i = 0; i < impl.complianceModules.length; ++i) {
            SystemRegistry(s.systemRegistry).registerComplianceModule(impl.complianceModules[i]);
        }
        _handOver(access, admin);
        emit SystemBootstrapped(admin, am, s.systemRegistry);
    }

    function _registerComponents(System memory s) private {
        SystemRegistry r = SystemRegistry(s.systemRegistry);
        r.setComponent("accessManager", s.accessManager);
        r.setComponent("systemRegistry", s.systemRegistry);
        r.setComponent("factoryRegistry", s.factoryRegistry);
        r.setComponent("addonRegistry", s.addonRegistry);
        r.setComponent("identityRegistryStorage", s.identityStorage);
        r.setComponent("globalTrustedIssuersRegistry", s.globalIssuersRegistry);
        r.setComponent("systemTrustedIssuersRegistry", s.systemIssuersRegistry);
        r.setComponent("identityFactory", s.identityFactory);
        r.setComponent("identityBeacon", s.identityBeacon);
        r.setComponent("claimIssuerBeacon", s.claimIssuerBeacon);
        r.setComponent("globalCompliance", s.globalCompliance);
    }

    function _handOver(KeelAccessManager access, address admin) private {
        bytes32[12] memory roles = [
            KeelSystemRoles.ADMIN_ROLE,
            KeelSystemRoles.GOVERNANCE_ROLE,
            KeelSystemRoles.SUPPLY_MANAGEMENT_ROLE,
            KeelSystemRoles.CUSTODIAN_ROLE,
            KeelSystemRoles.EMERGENCY_ROLE,
            KeelSystemRoles.COMPLIANCE_MANAGER_ROLE,
            KeelSystemRoles.IDENTITY_MANAGER_ROLE,
            KeelSystemRoles.CLAIM_ISSUER_ROLE,
            KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE,
            KeelSystemRoles.TOKEN_DEPLOYER_ROLE,
            KeelSystemRoles.SYSTEM_MANAGER_ROLE,
            KeelSystemRoles.ADDON_MANAGER_ROLE
        ];
        for (uint256 i = 0; i < roles.length; ++i) {
            access.grantRole(roles[i], admin);
        }
        access.renounceRole(KeelSystemRoles.SYSTEM_MANAGER_ROLE, address(this));
        access.renounceRole(KeelSystemRoles.ADMIN_ROLE, address(this));
    }

    function _proxy(address implementation, bytes memory init) private returns (address) {
        if (implementation == address(0)) revert ZeroAddress();
        return address(new ERC1967Proxy(implementation, init));
    }
}
