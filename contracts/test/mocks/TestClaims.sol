// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentity} from "../../src/interfaces/onchainid/IIdentity.sol";
import {IClaimIssuer} from "../../src/interfaces/onchainid/IClaimIssuer.sol";

/// @notice Claim holder double: stores ERC-735 claims under keccak256(issuer, topic).
contract TestIdentity {
    struct Claim {
        uint256 topic;
        uint256 scheme;
        address issuer;
        bytes signature;
        bytes data;
        string uri;
    }

    mapping(bytes32 claimId => Claim) private _claims;

    function addClaim(
        uint256 topic,
        uint256 scheme,
        address issuer,
        bytes calldata signature,
        bytes calldata data,
        string calldata uri
    ) external returns (bytes32 claimId) {
        claimId = keccak256(abi.encode(issuer, topic));
        _claims[claimId] = Claim(topic, scheme, issuer, signature, data, uri);
    }

    function removeClaim(bytes32 claimId) external returns (bool) {
        delete _claims[claimId];
        return true;
    }

    function getClaim(bytes32 claimId)
        external
        view
        returns (uint256, uint256, address, bytes memory, bytes memory, string memory)
    {
        Claim storage c = _claims[claimId];
        return (c.topic, c.scheme, c.issuer, c.signature, c.data, c.uri);
    }
}

/// @notice Claim issuer double: a claim is valid when its "signature" is the hash the
/// issuer would sign and it was not revoked.
contract TestClaimIssuer {
    mapping(bytes32 sigHash => bool) public revoked;

    function signatureFor(address identity, uint256 topic, bytes memory data) public view returns (bytes memory) {
        return abi.encode(keccak256(abi.encode(address(this), identity, topic, data)));
    }

    function revoke(bytes calldata sig) external {
        revoked[keccak256(sig)] = true;
    }

    function isClaimRevoked(bytes calldata sig) external view returns (bool) {
        return revoked[keccak256(sig)];
    }

    function isClaimValid(IIdentity identity, uint256 topic, bytes calldata sig, bytes calldata data)
        external
        view
        returns (bool)
    {
        if (revoked[keccak256(sig)]) return false;
        return keccak256(sig) == keccak256(signatureFor(address(identity), topic, data));
    }
}

/// @notice Trusted issuers registry double: topic -> issuers.
contract TestTrustedIssuersRegistry {
    mapping(uint256 topic => IClaimIssuer[]) private _byTopic;

    function trust(address issuer, uint256 topic) external {
        _byTopic[topic].push(IClaimIssuer(issuer));
    }

    function getTrustedIssuersForClaimTopic(uint256 topic) external view returns (IClaimIssuer[] memory) {
        return _byTopic[topic];
    }
}
