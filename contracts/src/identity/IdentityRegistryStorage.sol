// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentity} from "../interfaces/onchainid/IIdentity.sol";
import {IKeelIdentityRegistryStorage} from "./interfaces/IKeelIdentityRegistry.sol";
import {KeelAccessManaged} from "../system/access/KeelAccessManaged.sol";
import {KeelSystemRoles} from "../system/access/KeelSystemRoles.sol";

/// @title IdentityRegistryStorage — wallet -> (identity, country, lost), shared by the
/// identity registries of every asset of a system.
/// @notice Only bound identity registries write; binding is done by the system (asset
/// factories hold SYSTEM_MODULE_ROLE) or the identity manager.
contract IdentityRegistryStorage is KeelAccessManaged, IKeelIdentityRegistryStorage {
    uint256 public constant MAX_BOUND_REGISTRIES = 1024;

    struct Entry {
        IIdentity identity; // 20 bytes
        uint16 country;
        bool lost;
    }

    error NotBoundRegistry(address caller);
    error AlreadyBound(address registry);
    error NotBound(address registry);
    error TooManyRegistries();
    error WalletAlreadyStored(address wallet);
    error WalletNotStored(address wallet);
    error ZeroAddress();
    error WalletIsLost(address wallet);

    mapping(address wallet => Entry) private _entries;
    address[] private _registries;
    mapping(address registry => bool) private _isBound;

    function initialize(address accessManager_) external initializer {
        __KeelAccessManaged_init(accessManager_, address(0));
    }

    modifier onlyBoundRegistry() {
        if (!_isBound[msg.sender]) revert NotBoundRegistry(msg.sender);
        _;
    }

    modifier onlyBinder() {
        if (!_hasRole(KeelSystemRoles.SYSTEM_MODULE_ROLE, msg.sender)) {
            _checkRole(KeelSystemRoles.IDENTITY_MANAGER_ROLE, msg.sender);
        }
        _;
    }

    function addIdentityToStorage(address wallet, IIdentity identity, uint16 country) external onlyBoundRegistry {
        if (wallet == address(0) || address(identity) == address(0)) revert ZeroAddress();
        Entry storage e = _entries[wallet];
        if (address(e.identity) != address(0)) revert WalletAlreadyStored(wallet);
        if (e.lost) revert WalletIsLost(wallet);
        e.identity = identity;
        e.country = country;
        emit IdentityStored(wallet, identity);
    }

    function removeIdentityFromStorage(address wallet) external onlyBoundRegistry {
        IIdentity id = _entries[wallet].identity;
        if (address(id) == address(0)) revert WalletNotStored(wallet);
        // The lost mark outlives the entry: a lost wallet is never registered again.
        Entry storage e = _entries[wallet];
        e.identity = IIdentity(address(0));
        e.country = 0;
        emit IdentityUnstored(wallet, id);
    }

    function modifyStoredInvestorCountry(address wallet, uint16 country) external onlyBoundRegistry {
        Entry storage e = _entries[wallet];
        if (address(e.identity) == address(0)) revert WalletNotStored(wallet);
        e.country = country;
        emit CountryModified(wallet, country);
    }

    function modifyStoredIdentity(address wallet, IIdentity identity) external onlyBoundRegistry {
        if (address(identity) == address(0)) revert ZeroAddress();
        Entry storage e = _entries[wallet];
        IIdentity old = e.identity;
        if (address(old) == address(0)) revert WalletNotStored(wallet);
        e.identity = identity;
        emit IdentityModified(old, identity);
    }

    function markWalletLost(address wallet) external onlyBoundRegistry {
        Entry storage e = _entries[wallet];
        if (address(e.identity) == address(0)) revert WalletNotStored(wallet);
        e.lost = true;
        emit WalletMarkedLost(wallet, address(e.identity));
    }

    function bindIdentityRegistry(address registry) external onlyBinder {
        if (registry == address(0)) revert ZeroAddress();
        if (_isBound[registry]) revert AlreadyBound(registry);
        if (_registries.length >= MAX_BOUND_REGISTRIES) revert TooManyRegistries();
        _isBound[registry] = true;
        _registries.push(registry);
        emit IdentityRegistryBound(registry);
    }

    function unbindIdentityRegistry(address registry) external onlyBinder {
        if (!_isBound[registry]) revert NotBound(registry);
        _isBound[registry] = false;
        uint256 n = _registries.length;
        for (uint256 i = 0; i < n; ++i) {
            if (_registries[i] == registry) {
                _registries[i] = _registries[n - 1];
                _registries.pop();
                break;
            }
        }
        emit IdentityRegistryUnbound(registry);
    }

    function linkedIdentityRegistries() external view returns (address[] memory) {
        return _registries;
    }

    function isRegistryBound(address registry) external view returns (bool) {
        return _isBound[registry];
    }

    function storedIdentity(address wallet) external view returns (IIdentity) {
        return _entries[wallet].identity;
    }

    function storedInvestorCountry(address wallet) external view returns (uint16) {
        return _entries[wallet].country;
    }

    function isWalletLost(address wallet) external view returns (bool) {
        return _entries[wallet].lost;
    }

    /// @notice One read for the registry's verification path.
    function storedEntry(address wallet) external view returns (IIdentity identity, uint16 country, bool lost) {
        Entry storage e = _entries[wallet];
        return (e.identity, e.country, e.lost);
    }
}
