// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Create2} from "@openzeppelin/contracts/utils/Create2.sol";
import {KeelIdentity} from "./KeelIdentity.sol";
import {KeelIdentityProxy} from "./KeelIdentityProxy.sol";
import {KeelAccessManaged} from "../system/access/KeelAccessManaged.sol";
import {KeelSystemRoles} from "../system/access/KeelSystemRoles.sol";

/// @title IdentityFactory — creates investor, asset and claim issuer identities as minimal
/// beacon proxies (`KeelIdentityProxy`) at deterministic addresses.
/// @notice A beacon proxy keeps the per-investor deployment small (the proxy code, the
/// beacon address and the keys) while the system can still fix or extend every
/// identity at once by pointing the beacon at a new implementation. One identity per
/// (kind, owner wallet): the address is CREATE2(salt = kind, owner).
contract IdentityFactory is KeelAccessManaged {
    bytes32 private constant INVESTOR = "investor";
    bytes32 private constant ISSUER = "issuer";
    bytes32 private constant ASSET = "asset";

    error ZeroAddress();

    event IdentityCreated(address indexed identity, address indexed owner, bytes32 indexed kind);

    address private _identityBeacon;
    address private _claimIssuerBeacon;

    function initialize(address accessManager_, address identityBeacon_, address claimIssuerBeacon_)
        external
        initializer
    {
        if (identityBeacon_ == address(0) || claimIssuerBeacon_ == address(0)) revert ZeroAddress();
        __KeelAccessManaged_init(accessManager_, address(0));
        _identityBeacon = identityBeacon_;
        _claimIssuerBeacon = claimIssuerBeacon_;
    }

    /// @notice Creates the identity of `owner` (MANAGEMENT key) with `claimKeys` as CLAIM
    /// keys (who may add claims to it). Identity manager or a system module (asset factory).
    function createIdentity(address owner, address[] calldata claimKeys) external returns (address) {
        if (!_hasRole(KeelSystemRoles.SYSTEM_MODULE_ROLE, msg.sender)) {
            _checkRole(KeelSystemRoles.IDENTITY_MANAGER_ROLE, msg.sender);
        }
        return _create(_identityBeacon, INVESTOR, owner, claimKeys);
    }

    /// @notice Creates the identity of an asset (its `onchainID`), owned by `owner`; one per
    /// asset address. System modules (asset factories) only.
    function createAssetIdentity(address asset, address owner) external returns (address id) {
        _checkRole(KeelSystemRoles.SYSTEM_MODULE_ROLE, msg.sender);
        if (asset == address(0) || owner == address(0)) revert ZeroAddress();
        id = address(
            new KeelIdentityProxy{salt: _salt(ASSET, asset)}(
                _identityBeacon, abi.encodeCall(KeelIdentity.initialize, (owner, new address[](0)))
            )
        );
        emit IdentityCreated(id, owner, ASSET);
    }

    /// @notice Creates a claim issuer owned by `owner` whose `signingKeys` sign claims.
    function createClaimIssuer(address owner, address[] calldata signingKeys)
        external
        onlyRole(KeelSystemRoles.CLAIM_ISSUER_ROLE)
        returns (address)
    {
        return _create(_claimIssuerBeacon, ISSUER, owner, signingKeys);
    }

    function predictIdentityAddress(address owner, address[] calldata claimKeys) external view returns (address) {
        return _predict(_identityBeacon, INVESTOR, owner, claimKeys);
    }

    function predictClaimIssuerAddress(address owner, address[] calldata signingKeys)
        external
        view
        returns (address)
    {
        return _predict(_claimIssuerBeacon, ISSUER, owner, signingKeys);
    }

    function identityBeacon() external view returns (address) {
        return _identityBeacon;
    }

    function claimIssuerBeacon() external view returns (address) {
        return _claimIssuerBeacon;
    }

    function _create(address beacon, bytes32 kind, address owner, address[] calldata keys) private returns (address id) {
        if (owner == address(0)) revert ZeroAddress();
        id = address(new KeelIdentityProxy{salt: _salt(kind, owner)}(beacon, _initData(owner, keys)));
        emit IdentityCreated(id, owner, kind);
    }

    function _predict(address beacon, bytes32 kind, address owner, address[] calldata keys)
        private
        view
        returns (address)
    {
        bytes memory code = abi.encodePacked(type(KeelIdentityProxy).creationCode, abi.encode(beacon, _initData(owner, keys)));
        return Create2.computeAddress(_salt(kind, owner), keccak256(code));
    }

    function _salt(bytes32 kind, address owner) private pure returns (bytes32) {
        return keccak256(abi.encode(kind, owner));
    }

    function _initData(address owner, address[] calldata keys) private pure returns (bytes memory) {
        return abi.encodeCall(KeelIdentity.initialize, (owner, keys));
    }
}
