// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentity} from "../../src/interfaces/onchainid/IIdentity.sol";
import {IIdentityRegistryStorage} from "../../src/interfaces/erc3643/IIdentityRegistryStorage.sol";
import {ITrustedIssuersRegistry} from "../../src/interfaces/erc3643/ITrustedIssuersRegistry.sol";
import {IClaimTopicsRegistry} from "../../src/interfaces/erc3643/IClaimTopicsRegistry.sol";

/// @notice Minimal identity registry for token and compliance tests: a wallet is
/// verified when registered and not explicitly marked unverified. The full identity
/// layer (claims, trusted issuers, storage) is tested on its own.
contract TestIdentityRegistry {
    struct Entry {
        IIdentity identity;
        uint16 country;
        bool unverified;
    }

    mapping(address wallet => Entry) private _entries;
    ITrustedIssuersRegistry public issuersRegistry;

    function registerIdentity(address wallet, IIdentity identity_, uint16 country) public {
        _entries[wallet] = Entry({identity: identity_, country: country, unverified: false});
    }

    /// @dev Registers `wallet` with a synthetic identity address derived from it.
    function register(address wallet, uint16 country) external {
        registerIdentity(wallet, IIdentity(address(uint160(uint256(keccak256(abi.encode("id", wallet)))))), country);
    }

    function deleteIdentity(address wallet) external {
        delete _entries[wallet];
    }

    function setVerified(address wallet, bool verified) external {
        _entries[wallet].unverified = !verified;
    }

    function updateCountry(address wallet, uint16 country) external {
        _entries[wallet].country = country;
    }

    function setTrustedIssuersRegistry(address registry) external {
        issuersRegistry = ITrustedIssuersRegistry(registry);
    }

    function contains(address wallet) external view returns (bool) {
        return address(_entries[wallet].identity) != address(0);
    }

    function isVerified(address wallet) external view returns (bool) {
        Entry storage e = _entries[wallet];
        return address(e.identity) != address(0) && !e.unverified;
    }

    function identity(address wallet) external view returns (IIdentity) {
        return _entries[wallet].identity;
    }

    function investorCountry(address wallet) external view returns (uint16) {
        return _entries[wallet].country;
    }

    function identityStorage() external pure returns (IIdentityRegistryStorage) {
        return IIdentityRegistryStorage(address(0));
    }

    function topicsRegistry() external pure returns (IClaimTopicsRegistry) {
        return IClaimTopicsRegistry(address(0));
    }
}
