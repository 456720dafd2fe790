// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ERC-734 key holder (as used by OnchainID).
/// @notice Keys are keccak256 of an address (or a public key hash) with purposes:
/// 1 MANAGEMENT, 2 ACTION, 3 CLAIM signer, 4 ENCRYPTION.
interface IERC734 {
    event Approved(uint256 indexed executionId, bool approved);
    event Executed(uint256 indexed executionId, address indexed to, uint256 indexed value, bytes data);
    event ExecutionRequested(uint256 indexed executionId, address indexed to, uint256 indexed value, bytes data);
    event ExecutionFailed(uint256 indexed executionId, address indexed to, uint256 indexed value, bytes data);
    event KeyAdded(bytes32 indexed key, uint256 indexed purpose, uint256 indexed keyType);
    event KeyRemoved(bytes32 indexed key, uint256 indexed purpose, uint256 indexed keyType);

    function addKey(bytes32 key, uint256 purpose, uint256 keyType) external returns (bool success);
    function approve(uint256 id, bool approve) external returns (bool success);
    function removeKey(bytes32 key, uint256 purpose) external returns (bool success);
    function execute(address to, uint256 value, bytes calldata data) external payable returns (uint256 executionId);
    function getKey(bytes32 key) external view returns (uint256[] memory purposes, uint256 keyType, bytes32 key_);
    function getKeyPurposes(bytes32 key) external view returns (uint256[] memory purposes);
    function getKeysByPurpose(uint256 purpose) external view returns (bytes32[] memory keys);
    function keyHasPurpose(bytes32 key, uint256 purpose) external view returns (bool exists);
}
