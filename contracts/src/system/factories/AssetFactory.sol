// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {KeelAccessManaged} from "../access/KeelAccessManaged.sol";
import {KeelSystemRoles} from "../access/KeelSystemRoles.sol";
import {KeelRoles} from "../../token/KeelRoles.sol";
import {KeelToken} from "../../token/KeelToken.sol";
import {ModularCompliance} from "../../compliance/ModularCompliance.sol";
import {IdentityRegistry} from "../../identity/IdentityRegistry.sol";
import {ClaimTopicsRegistry} from "../../identity/ClaimTopicsRegistry.sol";
import {TrustedIssuersRegistry} from "../../identity/TrustedIssuersRegistry.sol";
import {IdentityRegistryStorage} from "../../identity/IdentityRegistryStorage.sol";
import {IdentityFactory} from "../../identity/IdentityFactory.sol";
import {SystemRegistry} from "../SystemRegistry.sol";

/// @title AssetFactory — deploys one asset of a kind, fully configured, in one transaction.
/// @notice An asset is: the token (ERC1967 proxy of the kind's token implementation,
/// UUPS), its modular compliance (ERC1967 proxy, bound to the system's global
/// compliance), its claim topics registry, its trusted issuers registry (asset tier,
/// parent = the system tier) and its identity registry (bound to the system's shared
/// identity storage) — all proxies — plus the asset's own identity (`onchainID`). The
/// asset's registries accept the asset's own role holders (the token is their
/// `assetAccess`) besides the system's.
///
/// `createAsset` configures the whole asset atomically: required claim topics, the
/// kind's terms, optional features (cap, historical balances, voting), compliance
/// modules (each must be registered in the SystemRegistry; bound in the given order,
/// each then configured by its config calls through `callModuleFunction`), extra role
/// grants, and optionally unpauses. Any failing step reverts everything. The factory
/// is the temporary admin of the token and the compliance while it wires them; at the
/// end `req.admin` holds every role and the factory none. Assets stay paused unless
/// `req.unpause`.
/// @dev Kind-specific terms are written by `_configure` (kind subclasses).
abstract contract AssetFactory is KeelAccessManaged {
    struct Config {
        address tokenImplementation;
        address complianceImplementation;
        address identityRegistryImplementation;
        address topicsRegistryImplementation;
        address issuersRegistryImplementation;
        address identityStorage;
        address systemIssuersRegistry;
        address globalCompliance;
        address identityFactory;
        address systemRegistry;
    }

    /// @notice A compliance module to bind, and the calls that configure it (each sent
    /// through the asset compliance's `callModuleFunction`, so the module sees the
    /// compliance as caller), in order.
    struct ComplianceModule {
        address module;
        bytes[] configCalls;
    }

    /// @notice An extra role grant. COMPLIANCE_MANAGER_ROLE and COMPLIANCE_AGENT_ROLE are
    /// granted on the asset's compliance; every other role on the token.
    struct RoleGrant {
        bytes32 role;
        address account;
    }

    struct AssetRequest {
        string name;
        string symbol;
        uint8 decimals;
        string isin;
        /// @dev Receives DEFAULT_ADMIN and every operational role on the token, and the
        /// compliance admin and manager; owns the asset's identity.
        address admin;
        /// @dev Claim topics every holder must have (asset tier; may be empty).
        uint256[] requiredClaimTopics;
        /// @dev Kind-specific terms, ABI-encoded (see each factory).
        bytes terms;
        /// @dev Bound in this order; each must be registered in the SystemRegistry.
        ComplianceModule[] modules;
        /// @dev Maximum total supply; 0 = no cap.
        uint256 cap;
        /// @dev Record balance/supply checkpoints (`balanceOfAt`, `totalSupplyAt`).
        /// Factories whose kind needs them (see `_forcedFeatures`) always enable them.
        bool historicalBalances;
        /// @dev ERC-5805 voting; only for kinds whose token implements it.
        bool voting;
        RoleGrant[] roleGrants;
        /// @dev Unpause as the last step (otherwise the asset stays paused).
        bool unpause;
    }

    struct Asset {
        address token;
        address compliance;
        address identityRegistry;
        address topicsRegistry;
        address issuersRegistry;
        address onchainID;
    }

    error ZeroAddress();
    error ComplianceModuleNotRegistered(address module);
    error InvalidRoleGrant(bytes32 role, address account);

    event AssetCreated(
        bytes32 indexed kind,
        address indexed token,
        address indexed admin,
        address compliance,
        address identityRegistry,
        address onchainID
    );
    /// @notice Emitted after `AssetCreated` with the configuration applied.
    event AssetConfigured(
        address indexed token, address[] modules, uint256 features, uint256 cap, uint256 roleGrants, bool unpaused
    );
    event ConfigUpdated(Config config);

    Config private _config;

    function initialize(address accessManager_, Config calldata config_) external initializer {
        __KeelAccessManaged_init(accessManager_, address(0));
        _setConfig(config_);
    }

    /// @notice The asset kind this factory deploys, e.g. "bond".
    function kind() public pure virtual returns (bytes32);

    /// @notice Points new assets at new implementations (existing assets are upgraded one
    /// by one by their own admins: UUPS).
    function setConfig(Config calldata config_) external onlyRole(KeelSystemRoles.ADMIN_ROLE) {
        _setConfig(config_);
    }

    function config() external view returns (Config memory) {
        return _config;
    }

    function createAsset(AssetRequest calldata req)
        external
        onlyRole(KeelSystemRoles.TOKEN_DEPLOYER_ROLE)
        returns (Asset memory a)
    {
        if (req.admin == address(0)) revert ZeroAddress();
        _validateTerms(req.terms);
        Config memory c = _config;
        address[] memory modules = _checkModules(SystemRegistry(c.systemRegistry), req.modules);
        a = _deploy(c, req.admin);
        uint256 features = _features(req);
        KeelToken token = KeelToken(a.token);
        token.initializeWithFeatures(
            KeelToken.InitParams({
                name: req.name,
                symbol: req.symbol,
                decimals: req.decimals,
                isin: req.isin,
                onchainID: a.onchainID,
                identityRegistry: a.identityRegistry,
                compliance: a.compliance,
                admin: address(this)
            }),
            features
        );
        // Temporary roles for wiring, dropped in _handOver.
        token.grantRole(KeelRoles.GOVERNANCE_ROLE, address(this));
        token.grantRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE, address(this));
        for (uint256 i = 0; i < req.requiredClaimTopics.length; ++i) {
            ClaimTopicsRegistry(a.topicsRegistry).addClaimTopic(req.requiredClaimTopics[i]);
        }
        token.setMetadataValue("assetKind", _kindString());
        _configure(token, req.terms, req.admin);
        if (req.cap != 0) token.setCap(req.cap);
        _bindModules(ModularCompliance(a.compliance), req.modules);
        _handOver(token, ModularCompliance(a.compliance), req);

        SystemRegistry(c.systemRegistry).registerAsset(a.token, kind());
        emit AssetCreated(kind(), a.token, req.admin, a.compliance, a.identityRegistry, a.onchainID);
        emit AssetConfigured(a.token, modules, features, req.cap, req.roleGrants.length, req.unpause);
    }

    /// @dev Every module must be vouched for by the system (checked before deploying).
    function _checkModules(SystemRegistry registry, ComplianceModule[] calldata modules)
        private
        view
        returns (address[] memory list)
    {
        list = new address[](modules.length);
        for (uint256 i = 0; i < modules.length; ++i) {
            address m = modules[i].module;
            if (!registry.isComplianceModule(m)) revert ComplianceModuleNotRegistered(m);
            list[i] = m;
        }
    }

    function _deploy(Config memory c, address admin) private returns (Asset memory a) {
        a.token = address(new ERC1967Proxy(c.tokenImplementation, ""));
        a.compliance = address(
            new ERC1967Proxy(
                c.complianceImplementation,
                abi.encodeCall(ModularCompliance.initialize, (address(this), c.globalCompliance))
            )
        );
        address am = accessManager();
        a.topicsRegistry = address(
            new ERC1967Proxy(
                c.topicsRegistryImplementation, abi.encodeCall(ClaimTopicsRegistry.initialize, (am, a.token))
            )
        );
        a.issuersRegistry = address(
            new ERC1967Proxy(
                c.issuersRegistryImplementation,
                abi.encodeCall(TrustedIssuersRegistry.initialize, (am, a.token, c.systemIssuersRegistry))
            )
        );
        a.identityRegistry = address(
            new ERC1967Proxy(
                c.identityRegistryImplementation,
                abi.encodeCall(
                    IdentityRegistry.initialize, (am, a.token, c.identityStorage, a.topicsRegistry, a.issuersRegistry)
                )
            )
        );
        IdentityRegistryStorage(c.identityStorage).bindIdentityRegistry(a.identityRegistry);
        a.onchainID = IdentityFactory(c.identityFactory).createAssetIdentity(a.token, admin);
    }

    function _features(AssetRequest calldata req) private pure returns (uint256 f) {
        f = _forcedFeatures();
        if (req.historicalBalances) f |= 1; // KeelToken.FEATURE_HISTORICAL_BALANCES
        if (req.voting) f |= 2; // KeelToken.FEATURE_VOTING
    }

    /// @dev Binds the modules in order and runs each one's config calls (the factory is
    /// the compliance's temporary manager). A failing call reverts the whole creation.
    function _bindModules(ModularCompliance compliance, ComplianceModule[] calldata modules) private {
        for (uint256 i = 0; i < modules.length; ++i) {
            address m = modules[i].module;
            compliance.addModule(m);
            bytes[] calldata calls = modules[i].configCalls;
            for (uint256 j = 0; j < calls.length; ++j) {
                compliance.callModuleFunction(calls[j], m);
            }
        }
    }

    /// @dev Gives `req.admin` every role on the token and the compliance, applies the
    /// extra grants, unpauses if asked, and drops every role the factory held.
    function _handOver(KeelToken token, ModularCompliance compliance, AssetRequest calldata req) private {
        address admin = req.admin;
        bytes32 adminRole = 0x00; // DEFAULT_ADMIN_ROLE
        token.grantRole(adminRole, admin);
        token.grantRole(KeelRoles.GOVERNANCE_ROLE, admin);
        token.grantRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE, admin);
        token.grantRole(KeelRoles.CUSTODIAN_ROLE, admin);
        token.grantRole(KeelRoles.EMERGENCY_ROLE, admin);
        token.grantRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE, admin);
        compliance.grantRole(adminRole, admin);
        compliance.grantRole(KeelRoles.COMPLIANCE_MANAGER_ROLE, admin);
        for (uint256 i = 0; i < req.roleGrants.length; ++i) {
            RoleGrant calldata g = req.roleGrants[i];
            if (g.account == address(0) || g.account == address(this)) revert InvalidRoleGrant(g.role, g.account);
            if (g.role == KeelRoles.COMPLIANCE_MANAGER_ROLE || g.role == KeelRoles.COMPLIANCE_AGENT_ROLE) {
                compliance.grantRole(g.role, g.account);
            } else {
                token.grantRole(g.role, g.account);
            }
        }
        if (req.unpause) {
            token.grantRole(KeelRoles.EMERGENCY_ROLE, address(this));
            token.unpause();
            token.renounceRole(KeelRoles.EMERGENCY_ROLE, address(this));
        }
        compliance.renounceRole(KeelRoles.COMPLIANCE_MANAGER_ROLE, address(this));
        compliance.renounceRole(adminRole, address(this));
        token.renounceRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE, address(this));
        token.renounceRole(KeelRoles.GOVERNANCE_ROLE, address(this));
        token.renounceRole(adminRole, address(this));
    }

    /// @dev Features this kind always enables (e.g. historical balances for kinds whose
    /// yield, dividends or fees are computed from past balances).
    function _forcedFeatures() internal pure virtual returns (uint256) {
        return 0;
    }

    /// @dev Reverts when `terms` is not valid for this kind (before anything is deployed).
    function _validateTerms(bytes calldata terms) internal view virtual;

    /// @dev Writes the kind's terms onto the token (the factory holds GOVERNANCE here).
    function _configure(KeelToken token, bytes calldata terms, address admin) internal virtual;

    function _kindString() private pure returns (string memory s) {
        bytes32 k = kind();
        uint256 n = 0;
        while (n < 32 && k[n] != 0) ++n;
        bytes memory b = new bytes(n);
        for (uint256 i = 0; i < n; ++i) {
            b[i] = k[i];
        }
        s = string(b);
    }

    function _setConfig(Config calldata c) private {
        if (
            c.tokenImplementation == address(0) || c.complianceImplementation == address(0)
                || c.identityRegistryImplementation == address(0) || c.topicsRegistryImplementation == address(0)
                || c.issuersRegistryImplementation == address(0) || c.identityStorage == address(0)
                || c.systemIssuersRegistry == address(0) || c.identityFactory == address(0)
                || c.systemRegistry == address(0)
        ) revert ZeroAddress();
        _config = c;
        emit ConfigUpdated(c);
    }
}
