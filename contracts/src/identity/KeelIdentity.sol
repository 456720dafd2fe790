// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentity} from "../interfaces/onchainid/IIdentity.sol";
import {IKeelIdentity} from "./interfaces/IKeelIdentity.sol";

/// @title KeelIdentity — an OnchainID-compatible identity (ERC-734 keys, ERC-735 claims)
/// with claim expiry.
/// @notice Keys are keccak256(abi.encode(address)) with purposes 1 MANAGEMENT, 2 ACTION,
/// 3 CLAIM (signer / adder), 4 ENCRYPTION. A management key may do everything a key of
/// another purpose may. Investor identities are beacon proxies created by the
/// IdentityFactory (one implementation, upgraded fleet-wide by the beacon owner).
contract KeelIdentity is IKeelIdentity {
    uint256 internal constant MANAGEMENT = 1;
    uint256 internal constant ACTION = 2;
    uint256 internal constant CLAIM = 3;
    /// @dev Purposes are held as a bitmask, so they are bounded.
    uint256 internal constant MAX_PURPOSE = 247;

    struct KeyData {
        uint248 purposes; // bit p set: purpose p
        uint8 keyType;
    }

    struct Claim {
        uint256 topic;
        uint256 scheme;
        address issuer;
        uint64 expiresAt;
        bytes signature;
        bytes data;
        string uri;
    }

    struct Execution {
        address to;
        bool approved;
        bool executed;
        uint256 value;
        bytes data;
    }

    error NotAuthorized(address caller, uint256 purpose);
    error InvalidPurpose(uint256 purpose);
    error KeyAlreadyHasPurpose(bytes32 key, uint256 purpose);
    error KeyDoesNotHavePurpose(bytes32 key, uint256 purpose);
    error LastManagementKey();
    error InvalidClaim(address issuer, uint256 topic);
    error ClaimAlreadyExpired(uint64 expiresAt);
    error NoSuchClaim(bytes32 claimId);
    error NoSuchExecution(uint256 executionId);
    error ExecutionAlreadyDone(uint256 executionId);
    error ZeroAddress();
    error AlreadyInitialized();

    mapping(bytes32 key => KeyData) private _keys;
    mapping(uint256 purpose => bytes32[]) private _keysByPurpose;
    mapping(bytes32 claimId => Claim) private _claims;
    mapping(uint256 topic => bytes32[]) private _claimsByTopic;
    mapping(uint256 id => Execution) private _executions;
    uint256 private _executionNonce;

    /// @param asImplementation true for the implementation behind the beacon: it is then
    /// marked initialized (a sentinel management entry) so nobody can take it over.
    /// @dev "Initialized" is "has a management key": that list never empties again
    /// (`LastManagementKey`), so no separate initializer slot is written per identity.
    constructor(bool asImplementation) {
        if (asImplementation) _keysByPurpose[MANAGEMENT].push(bytes32(0));
    }

    /// @param managementKey the owner's wallet (MANAGEMENT key).
    /// @param claimKeys addresses that may add claims (CLAIM keys), e.g. the platform's
    /// identity manager, or, on a claim issuer, the keys that sign claims.
    function initialize(address managementKey, address[] calldata claimKeys) public virtual {
        if (_keysByPurpose[MANAGEMENT].length != 0) revert AlreadyInitialized();
        if (managementKey == address(0)) revert ZeroAddress();
        _addKey(_keyOf(managementKey), MANAGEMENT, 1);
        for (uint256 i = 0; i < claimKeys.length; ++i) {
            _addKey(_keyOf(claimKeys[i]), CLAIM, 1);
        }
    }

    modifier onlyPurpose(uint256 purpose) {
        _checkPurpose(msg.sender, purpose);
        _;
    }

    // ---------------------------------------------------------------- ERC-734

    function addKey(bytes32 key, uint256 purpose, uint256 keyType)
        external
        onlyPurpose(MANAGEMENT)
        returns (bool success)
    {
        _addKey(key, purpose, keyType);
        return true;
    }

    function removeKey(bytes32 key, uint256 purpose) external onlyPurpose(MANAGEMENT) returns (bool success) {
        KeyData storage k = _keys[key];
        if (purpose == 0 || purpose > MAX_PURPOSE || k.purposes & _bit(purpose) == 0) {
            revert KeyDoesNotHavePurpose(key, purpose);
        }
        bytes32[] storage list = _keysByPurpose[purpose];
        if (purpose == MANAGEMENT && list.length == 1) revert LastManagementKey();
        for (uint256 i = 0; i < list.length; ++i) {
            if (list[i] == key) {
                list[i] = list[list.length - 1];
                list.pop();
                break;
            }
        }
        uint256 keyType = k.keyType;
        k.purposes &= ~_bit(purpose);
        if (k.purposes == 0) delete _keys[key];
        emit KeyRemoved(key, purpose, keyType);
        return true;
    }

    /// @notice Requests a call from this identity. A MANAGEMENT key's request runs at
    /// once; so does an ACTION key's request to another contract. Anything else waits
    /// for `approve`.
    function execute(address to, uint256 value, bytes calldata data)
        external
        payable
        returns (uint256 executionId)
    {
        executionId = _executionNonce++;
        _executions[executionId] = Execution({to: to, approved: false, executed: false, value: value, data: data});
        emit ExecutionRequested(executionId, to, value, data);
        bytes32 sender = _keyOf(msg.sender);
        if (keyHasPurpose(sender, MANAGEMENT) || (to != address(this) && keyHasPurpose(sender, ACTION))) {
            _approve(executionId, true);
        }
    }

    /// @notice Calls to this identity need a MANAGEMENT key; calls elsewhere an ACTION key.
    function approve(uint256 id, bool approve_) external returns (bool success) {
        Execution storage e = _executions[id];
        if (id >= _executionNonce) revert NoSuchExecution(id);
        _checkPurpose(msg.sender, e.to == address(this) ? MANAGEMENT : ACTION);
        return _approve(id, approve_);
    }

    function getKey(bytes32 key) external view returns (uint256[] memory purposes, uint256 keyType, bytes32 key_) {
        KeyData storage k = _keys[key];
        return (_purposesOf(k.purposes), k.keyType, k.purposes == 0 ? bytes32(0) : key);
    }

    function getKeyPurposes(bytes32 key) external view returns (uint256[] memory purposes) {
        return _purposesOf(_keys[key].purposes);
    }

    function getKeysByPurpose(uint256 purpose) external view returns (bytes32[] memory keys) {
        return _keysByPurpose[purpose];
    }

    /// @notice Exact purpose check (a MANAGEMENT key is not reported as having other purposes).
    function keyHasPurpose(bytes32 key, uint256 purpose) public view returns (bool exists) {
        if (purpose == 0 || purpose > MAX_PURPOSE) return false;
        return _keys[key].purposes & _bit(purpose) != 0;
    }

    // ---------------------------------------------------------------- ERC-735

    function addClaim(
        uint256 topic,
        uint256 scheme,
        address issuer,
        bytes calldata signature,
        bytes calldata data,
        string calldata uri
    ) external onlyPurpose(CLAIM) returns (bytes32 claimRequestId) {
        return _addClaim(topic, scheme, issuer, signature, data, uri, 0);
    }

    function addClaimWithExpiry(
        uint256 topic,
        uint256 scheme,
        address issuer,
        bytes calldata signature,
        bytes calldata data,
        string calldata uri,
        uint64 expiresAt
    ) external onlyPurpose(CLAIM) returns (bytes32 claimId) {
        return _addClaim(topic, scheme, issuer, signature, data, uri, expiresAt);
    }

    function removeClaim(bytes32 claimId) external onlyPurpose(CLAIM) returns (bool success) {
        Claim storage c = _claims[claimId];
        if (c.issuer == address(0)) revert NoSuchClaim(claimId);
        uint256 topic = c.topic;
        bytes32[] storage ids = _claimsByTopic[topic];
        for (uint256 i = 0; i < ids.length; ++i) {
            if (ids[i] == claimId) {
                ids[i] = ids[ids.length - 1];
                ids.pop();
                break;
            }
        }
        emit ClaimRemoved(claimId, topic, c.scheme, c.issuer, c.signature, c.data, c.uri);
        delete _claims[claimId];
        return true;
    }

    function getClaim(bytes32 claimId)
        external
        view
        returns (
            uint256 topic,
            uint256 scheme,
            address issuer,
            bytes memory signature,
            bytes memory data,
            string memory uri
        )
    {
        Claim storage c = _claims[claimId];
        return (c.topic, c.scheme, c.issuer, c.signature, c.data, c.uri);
    }

    function getClaimExpiry(bytes32 claimId) external view returns (uint64) {
        return _claims[claimId].expiresAt;
    }

    function getClaimIdsByTopic(uint256 topic) external view returns (bytes32[] memory claimIds) {
        return _claimsByTopic[topic];
    }

    /// @notice A plain identity does not issue claims; `KeelClaimIssuer` overrides this.
    function isClaimValid(IIdentity, uint256, bytes calldata, bytes calldata) external view virtual returns (bool) {
        return false;
    }

    // ---------------------------------------------------------------- internals

    function _keyOf(address account) internal pure returns (bytes32) {
        return keccak256(abi.encode(account));
    }

    function _checkPurpose(address caller, uint256 purpose) internal view {
        if (caller == address(this)) return;
        bytes32 key = _keyOf(caller);
        if (keyHasPurpose(key, purpose) || keyHasPurpose(key, MANAGEMENT)) return;
        revert NotAuthorized(caller, purpose);
    }

    function _addKey(bytes32 key, uint256 purpose, uint256 keyType) internal {
        if (purpose == 0 || purpose > MAX_PURPOSE) revert InvalidPurpose(purpose);
        KeyData storage k = _keys[key];
        uint248 bit = _bit(purpose);
        if (k.purposes & bit != 0) revert KeyAlreadyHasPurpose(key, purpose);
        if (k.purposes == 0) k.keyType = uint8(keyType);
        k.purposes |= bit;
        _keysByPurpose[purpose].push(key);
        emit KeyAdded(key, purpose, keyType);
    }

    function _bit(uint256 purpose) private pure returns (uint248) {
        return uint248(uint256(1) << purpose);
    }

    function _purposesOf(uint248 mask) private pure returns (uint256[] memory out) {
        uint256 n = 0;
        for (uint256 p = 1; p <= MAX_PURPOSE; ++p) {
            if (mask & _bit(p) != 0) ++n;
        }
        out = new uint256[](n);
        n = 0;
        for (uint256 p = 1; p <= MAX_PURPOSE && n < out.length; ++p) {
            if (mask & _bit(p) != 0) out[n++] = p;
        }
    }

    function _approve(uint256 id, bool approve_) private returns (bool) {
        Execution storage e = _executions[id];
        if (e.executed) revert ExecutionAlreadyDone(id);
        emit Approved(id, approve_);
        if (!approve_) return false;
        e.approved = true;
        e.executed = true;
        (bool ok,) = e.to.call{value: e.value}(e.data);
        if (ok) emit Executed(id, e.to, e.value, e.data);
        else emit ExecutionFailed(id, e.to, e.value, e.data);
        return ok;
    }

    function _addClaim(
        uint256 topic,
        uint256 scheme,
        address issuer,
        bytes calldata signature,
        bytes calldata data,
        string calldata uri,
        uint64 expiresAt
    ) private returns (bytes32 claimId) {
        if (issuer == address(0)) revert ZeroAddress();
        if (expiresAt != 0 && expiresAt <= block.timestamp) revert ClaimAlreadyExpired(expiresAt);
        claimId = keccak256(abi.encode(issuer, topic));
        Claim storage c = _claims[claimId];
        bool existed = c.issuer != address(0);
        c.topic = topic;
        c.scheme = scheme;
        c.issuer = issuer;
        c.expiresAt = expiresAt;
        c.signature = signature;
        c.data = data;
        c.uri = uri;
        // The issuer reads the stored expiry while checking, so store before validating.
        if (issuer != address(this) && !IIdentity(issuer).isClaimValid(IIdentity(address(this)), topic, signature, data)) {
            revert InvalidClaim(issuer, topic);
        }
        if (existed) {
            emit ClaimChanged(claimId, topic, scheme, issuer, signature, data, uri);
        } else {
            _claimsByTopic[topic].push(claimId);
            emit ClaimAdded(claimId, topic, scheme, issuer, signature, data, uri);
        }
        if (expiresAt != 0) emit ClaimExpirySet(claimId, expiresAt);
    }

    receive() external payable {}
}
