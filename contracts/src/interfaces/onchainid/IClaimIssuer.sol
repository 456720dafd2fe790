// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentity} from "./IIdentity.sol";

/// @title OnchainID claim issuer: an identity whose claims can be revoked.
interface IClaimIssuer is IIdentity {
    event ClaimRevoked(bytes indexed signature);

    function revokeClaim(bytes32 claimId, address identity) external returns (bool);
    function revokeClaimBySignature(bytes calldata signature) external;
    function isClaimRevoked(bytes calldata sig) external view returns (bool);
}
