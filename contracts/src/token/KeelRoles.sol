// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Role identifiers shared by Keel's token, compliance and system contracts.
library KeelRoles {
    /// @notice Token settings: identity registry, compliance, onchainID, metadata.
    bytes32 internal constant GOVERNANCE_ROLE = keccak256("keel.role.governance");
    /// @notice Mint and burn.
    bytes32 internal constant SUPPLY_MANAGEMENT_ROLE = keccak256("keel.role.supply-management");
    /// @notice Forced transfers, freezes, partial freezes and wallet recovery.
    bytes32 internal constant CUSTODIAN_ROLE = keccak256("keel.role.custodian");
    /// @notice Pause and unpause.
    bytes32 internal constant EMERGENCY_ROLE = keccak256("keel.role.emergency");
    /// @notice Add, remove, reorder and configure compliance modules.
    bytes32 internal constant COMPLIANCE_MANAGER_ROLE = keccak256("keel.role.compliance-manager");
    /// @notice Per-transfer approvals (transfer approval module).
    bytes32 internal constant COMPLIANCE_AGENT_ROLE = keccak256("keel.role.compliance-agent");
}
