// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentity} from "../../interfaces/onchainid/IIdentity.sol";

/// @title Keel's additions to an OnchainID identity: claims that expire.
/// @notice ERC-735 has no expiry field. A Keel claim carries `expiresAt` (0: never),
/// stored next to the claim; the issuer's signature covers it, so a holder cannot
/// extend a claim by editing the stored value.
interface IKeelIdentity is IIdentity {
    event ClaimExpirySet(bytes32 indexed claimId, uint64 expiresAt);

    function addClaimWithExpiry(
        uint256 topic,
        uint256 scheme,
        address issuer,
        bytes calldata signature,
        bytes calldata data,
        string calldata uri,
        uint64 expiresAt
    ) external returns (bytes32 claimId);

    /// @notice Expiry of a stored claim (0: no expiry or no such claim).
    function getClaimExpiry(bytes32 claimId) external view returns (uint64);
}
