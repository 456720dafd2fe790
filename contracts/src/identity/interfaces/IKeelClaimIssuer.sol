// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IClaimIssuer} from "../../interfaces/onchainid/IClaimIssuer.sol";

/// @title Keel's claim issuer: the digest its CLAIM keys sign.
interface IKeelClaimIssuer is IClaimIssuer {
    /// @notice The EIP-712 digest of a claim: domain (name "KeelClaimIssuer", version
    /// "1", chain id, this issuer) and Claim(identity, topic, expiresAt, data). Binding the
    /// chain id, the issuer, the identity and the topic means a signature cannot be
    /// replayed on another chain, for another issuer, identity or topic.
    function claimDigest(address identity, uint256 topic, uint64 expiresAt, bytes calldata data)
        external
        view
        returns (bytes32);
}
