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

/// @title AssetFactory — deploys one asset of a kind, fully wired, in one transaction.
/// @notice An asset is: the token (ERC1967 proxy of KeelToken, UUPS), its modular
/// compliance (ERC1967 proxy, bound to the system's global compliance), its claim topics
/// registry, its trusted issuers registry (asset tier, parent = the system tier) and its
/// identity registry (bound to the system's shared identity storage) — all proxies —
/// plus the asset's own identity (`onchainID`). The asset's registries accept the
/// asset's own role holders (the token is their `assetAccess`) besides the system's.
/// The token deploys paused; the asset admin receives every token role and the
/// compliance admin, and the factory keeps none.
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

    struct AssetRequest {
        string name;
        string symbol;
        uint8 decimals;
        string isin;
        /// @dev Receives DEFAULT_ADMIN and every operational role on the token, and the
        /// compliance admin; owns the asset's identity.
        address admin;
        /// @dev Claim topics every holder must have (asset tier; may be empty).
        uint256[] requiredClaimTopics;
        /// @dev Kind-specific terms, ABI-encoded (see each factory).
        bytes terms;
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

    event AssetCreated(
        bytes32 indexed kind,
        address indexed token,
        address indexed admin,
        address compliance,
        address identityRegistry,
        address onchainID
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
        a.token = address(new ERC1967Proxy(c.tokenImplementation, ""));
        a.compliance = address(
            new ERC1967Proxy(
                c.complianceImplementation, abi.encodeCall(ModularCompliance.initialize, (req.admin, c.globalCompliance))
            )
        );
        a.topicsRegistry = address(
            new ERC1967Proxy(
                c.topicsRegistryImplementation,
                abi.encodeCall(ClaimTopicsRegistry.initialize, (accessManager(), a.token))
            )
        );
        a.issuersRegistry = address(
            new ERC1967Proxy(
                c.issuersRegistryImplementation,
                abi.encodeCall(TrustedIssuersRegistry.initialize, (accessManager(), a.token, c.systemIssuersRegistry))
            )
        );
        a.identityRegistry = address(
            new ERC1967Proxy(
                c.identityRegistryImplementation,
                abi.encodeCall(
                    IdentityRegistry.initialize,
                    (accessManager(), a.token, c.identityStorage, a.topicsRegistry, a.issuersRegistry)
                )
            )
        );
        IdentityRegistryStorage(c.identityStorage).bindIdentityRegistry(a.identityRegistry);
        a.onchainID = IdentityFactory(c.identityFactory).createAssetIdentity(a.token, req.admin);

        KeelToken token = KeelToken(a.token);
        token.initialize(
            KeelToken.InitParams({
                name: req.name,
                symbol: req.symbol,
                decimals: req.decimals,
                isin: req.isin,
                onchainID: a.onchainID,
                identityRegistry: a.identityRegistry,
                compliance: a.compliance,
                admin: address(this)
            })
        );
        // Temporary roles for wiring, dropped below.
        token.grantRole(KeelRoles.GOVERNANCE_ROLE, address(this));
        token.grantRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE, address(this));
        for (uint256 i = 0; i < req.requiredClaimTopics.length; ++i) {
            ClaimTopicsRegistry(a.topicsRegistry).addClaimTopic(req.requiredClaimTopics[i]);
        }
        token.setMetadataValue("assetKind", _kindString());
        _configure(token, req.terms);

        token.grantRole(token.DEFAULT_ADMIN_ROLE(), req.admin);
        token.grantRole(KeelRoles.GOVERNANCE_ROLE, req.admin);
        token.grantRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE, req.admin);
        token.grantRole(KeelRoles.CUSTODIAN_ROLE, req.admin);
        token.grantRole(KeelRoles.EMERGENCY_ROLE, req.admin);
        token.grantRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE, req.admin);
        token.renounceRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE, address(this));
        token.renounceRole(KeelRoles.GOVERNANCE_ROLE, address(this));
        token.renounceRole(token.DEFAULT_ADMIN_ROLE(), address(this));

        SystemRegistry(c.systemRegistry).registerAsset(a.token, kind());
        emit AssetCreated(kind(), a.token, req.admin, a.compliance, a.identityRegistry, a.onchainID);
    }

    /// @dev Reverts when `terms` is not valid for this kind (before anything is deployed).
    function _validateTerms(bytes calldata terms) internal view virtual;

    /// @dev Writes the kind's terms onto the token (the factory holds GOVERNANCE here).
    function _configure(KeelToken token, bytes calldata terms) internal virtual;

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
