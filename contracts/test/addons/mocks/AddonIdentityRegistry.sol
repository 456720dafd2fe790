// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentity} from "../../../src/interfaces/onchainid/IIdentity.sol";

/// @notice Minimal identity registry for the addon tests: a wallet is verified when
/// registered and not marked unverified. The identity layer is tested on its own.
contract AddonIdentityRegistry {
    mapping(address wallet => IIdentity) private _identity;
    mapping(address wallet => uint16) private _country;
    mapping(address wallet => bool) private _unverified;

    function register(address wallet, uint16 country) external {
        _identity[wallet] = IIdentity(address(uint160(uint256(keccak256(abi.encode("id", wallet))))));
        _country[wallet] = country;
    }

    function setVerified(address wallet, bool verified) external {
        _unverified[wallet] = !verified;
    }

    function contains(address wallet) external view returns (bool) {
        return address(_identity[wallet]) != address(0);
    }

    function isVerified(address wallet) external view returns (bool) {
        return address(_identity[wallet]) != address(0) && !_unverified[wallet];
    }

    function identity(address wallet) external view returns (IIdentity) {
        return _identity[wallet];
    }

    function investorCountry(address wallet) external view returns (uint16) {
        return _country[wallet];
    }
}
