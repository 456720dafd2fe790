// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";
import {ModuleHooks} from "../interfaces/IComplianceModule.sol";
import {KeelRoles} from "../../token/KeelRoles.sol";

/// @title Single-use transfer approval: every transfer (not mints) needs a prior
/// approval of exactly (from, to, amount) for the token, given by a compliance agent of
/// the engine; the approval is consumed by the transfer. A forced transfer consumes a
/// matching approval if there is one and otherwise passes untouched.
contract TransferApprovalModule is ComplianceModuleBase {
    error TransferNotApproved(address from, address to, uint256 amount);
    error NotComplianceAgent(address caller);
    error EngineNotBound(address engine);

    event TransferApproved(address indexed engine, address indexed token, address indexed from, address to, uint256 amount);
    event ApprovalRevoked(address indexed engine, address indexed token, address indexed from, address to, uint256 amount);
    event ApprovalConsumed(address indexed engine, address indexed token, address indexed from, address to, uint256 amount);

    mapping(bytes32 scope => mapping(bytes32 transferKey => uint256 count)) private _approvals;

    function hooks() external pure returns (uint8) {
        return ModuleHooks.TRANSFERRED;
    }

    function name() external pure returns (string memory) {
        return "TransferApproval";
    }

    modifier onlyAgentOf(address engine) {
        if (!isBoundTo[engine]) revert EngineNotBound(engine);
        if (!IAccessControl(engine).hasRole(KeelRoles.COMPLIANCE_AGENT_ROLE, msg.sender)) {
            revert NotComplianceAgent(msg.sender);
        }
        _;
    }

    /// @notice Approves one transfer of `amount` from `from` to `to` of `token`, checked by `engine`.
    function approveTransfer(address engine, address token, address from, address to, uint256 amount)
        external
        onlyAgentOf(engine)
    {
        _approvals[_scope(engine)][_key(token, from, to, amount)] += 1;
        emit TransferApproved(engine, token, from, to, amount);
    }

    function revokeApproval(address engine, address token, address from, address to, uint256 amount)
        external
        onlyAgentOf(engine)
    {
        mapping(bytes32 => uint256) storage approvals = _approvals[_scope(engine)];
        bytes32 k = _key(token, from, to, amount);
        if (approvals[k] == 0) revert TransferNotApproved(from, to, amount);
        approvals[k] -= 1;
        emit ApprovalRevoked(engine, token, from, to, amount);
    }

    function approvalCount(address engine, address token, address from, address to, uint256 amount)
        external
        view
        returns (uint256)
    {
        return _approvals[_scope(engine)][_key(token, from, to, amount)];
    }

    function checkTransfer(address token, address from, address to, uint256 amount) external view {
        if (from == address(0)) return;
        if (_approvals[_scope(msg.sender)][_key(token, from, to, amount)] == 0) {
            revert TransferNotApproved(from, to, amount);
        }
    }

    function transferred(address token, address from, address to, uint256 amount) external override onlyEngine {
        mapping(bytes32 => uint256) storage approvals = _approvals[_scope(msg.sender)];
        bytes32 k = _key(token, from, to, amount);
        if (approvals[k] != 0) {
            approvals[k] -= 1;
            emit ApprovalConsumed(msg.sender, token, from, to, amount);
        }
    }

    function _key(address token, address from, address to, uint256 amount) private pure returns (bytes32) {
        return keccak256(abi.encode(token, from, to, amount));
    }
}
