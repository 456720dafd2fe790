// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IIdentity} from "../interfaces/onchainid/IIdentity.sol";
import {IKeelIdentity} from "./interfaces/IKeelIdentity.sol";
import {IKeelClaimIssuer} from "./interfaces/IKeelClaimIssuer.sol";
import {KeelIdentity} from "./KeelIdentity.sol";

/// @title KeelClaimIssuer — an identity whose CLAIM keys sign claims for other identities,
/// and which can revoke them.
/// @notice A claim is valid when it was signed by one of this issuer's CLAIM keys over the
/// EIP-712 digest `claimDigest(identity, topic, expiresAt, data)` — which binds the chain
/// id, this issuer, the identity and the topic — when it is not revoked and not expired.
/// `expiresAt` is read from the identity's stored claim (0 when the identity does not
/// store expiries) and is covered by the signature.
contract KeelClaimIssuer is KeelIdentity, IKeelClaimIssuer {
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("KeelClaimIssuer");
    bytes32 private constant VERSION_HASH = keccak256("1");
    bytes32 public constant CLAIM_TYPEHASH =
        keccak256("Claim(address identity,uint256 topic,uint64 expiresAt,bytes data)");

    error ClaimAlreadyRevoked();

    mapping(bytes32 signatureHash => bool) private _revoked;

    constructor(bool asImplementation) KeelIdentity(asImplementation) {}

    /// @notice Revokes the claim this issuer made on `identity` under `claimId`.
    function revokeClaim(bytes32 claimId, address identity) external onlyPurpose(MANAGEMENT) returns (bool) {
        (,, address claimIssuer, bytes memory sig,,) = IIdentity(identity).getClaim(claimId);
        if (claimIssuer != address(this)) revert NoSuchClaim(claimId);
        _revoke(sig);
        return true;
    }

    function revokeClaimBySignature(bytes calldata signature) external onlyPurpose(MANAGEMENT) {
        _revoke(signature);
    }

    function isClaimRevoked(bytes calldata sig) public view returns (bool) {
        return _revoked[keccak256(sig)];
    }

    function claimDigest(address identity, uint256 topic, uint64 expiresAt, bytes calldata data)
        public
        view
        returns (bytes32)
    {
        return _digest(identity, topic, expiresAt, keccak256(data));
    }

    function isClaimValid(IIdentity identity, uint256 claimTopic, bytes calldata sig, bytes calldata data)
        external
        view
        override(IIdentity, KeelIdentity)
        returns (bool)
    {
        if (_revoked[keccak256(sig)]) return false;
        uint64 expiresAt = _storedExpiry(address(identity), keccak256(abi.encode(address(this), claimTopic)));
        if (expiresAt != 0 && block.timestamp >= expiresAt) return false;
        (address signer, ECDSA.RecoverError err,) =
            ECDSA.tryRecover(_digest(address(identity), claimTopic, expiresAt, keccak256(data)), sig);
        if (err != ECDSA.RecoverError.NoError) return false;
        return keyHasPurpose(_keyOf(signer), CLAIM);
    }

    function _digest(address identity, uint256 topic, uint64 expiresAt, bytes32 dataHash)
        private
        view
        returns (bytes32)
    {
        bytes32 domain = keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
        bytes32 structHash = keccak256(abi.encode(CLAIM_TYPEHASH, identity, topic, expiresAt, dataHash));
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    /// @dev Identities that do not store expiries (plain OnchainID) yield 0.
    function _storedExpiry(address identity, bytes32 claimId) private view returns (uint64 expiresAt) {
        (bool ok, bytes memory ret) =
            identity.staticcall(abi.encodeCall(IKeelIdentity.getClaimExpiry, (claimId)));
        if (ok && ret.length == 32) expiresAt = uint64(uint256(bytes32(ret)));
    }

    function _revoke(bytes memory sig) private {
        bytes32 h = keccak256(sig);
        if (_revoked[h]) revert ClaimAlreadyRevoked();
        _revoked[h] = true;
        emit ClaimRevoked(sig);
    }
}
