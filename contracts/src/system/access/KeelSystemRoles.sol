// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelRoles} from "../../token/KeelRoles.sol";

/// @title The roles of a Keel system's access manager.
/// @notice Asset-level roles (governance, supply management, custodian, emergency,
/// compliance manager, compliance agent) reuse the token's identifiers from
/// `KeelRoles`, so one role id means the same duty in the access manager and on a token.
library KeelSystemRoles {
    /// @notice Grants and revokes every role; authorizes upgrades of system contracts.
    bytes32 internal constant ADMIN_ROLE = 0x00;
    bytes32 internal constant GOVERNANCE_ROLE = KeelRoles.GOVERNANCE_ROLE;
    bytes32 internal constant SUPPLY_MANAGEMENT_ROLE = KeelRoles.SUPPLY_MANAGEMENT_ROLE;
    bytes32 internal constant CUSTODIAN_ROLE = KeelRoles.CUSTODIAN_ROLE;
    bytes32 internal constant EMERGENCY_ROLE = KeelRoles.EMERGENCY_ROLE;
    bytes32 internal constant COMPLIANCE_MANAGER_ROLE = KeelRoles.COMPLIANCE_MANAGER_ROLE;
    bytes32 internal constant COMPLIANCE_AGENT_ROLE = KeelRoles.COMPLIANCE_AGENT_ROLE;
    /// @notice Registers, updates and removes investor wallets and identities; marks lost wallets.
    bytes32 internal constant IDENTITY_MANAGER_ROLE = keccak256("keel.role.identity-manager");
    /// @notice Creates claim issuer identities through the identity factory.
    bytes32 internal constant CLAIM_ISSUER_ROLE = keccak256("keel.role.claim-issuer");
    /// @notice Manages required claim topics and trusted issuers (system tier, and any asset tier).
    bytes32 internal constant CLAIM_POLICY_MANAGER_ROLE = keccak256("keel.role.claim-policy-manager");
    /// @notice Deploys assets through the asset factories.
    bytes32 internal constant TOKEN_DEPLOYER_ROLE = keccak256("keel.role.token-deployer");
    /// @notice Maintains the system, factory and addon registries.
    bytes32 internal constant SYSTEM_MANAGER_ROLE = keccak256("keel.role.system-manager");
    /// @notice Held by system contracts that deploy on the system's behalf (asset
    /// factories): bind identity registries to the shared storage, create asset
    /// identities, register assets.
    bytes32 internal constant SYSTEM_MODULE_ROLE = keccak256("keel.role.system-module");
    /// @notice Manages addons (issuance, airdrop, xvp, ...) in the addon registry.
    bytes32 internal constant ADDON_MANAGER_ROLE = keccak256("keel.role.addon-manager");
}
