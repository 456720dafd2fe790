// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {KeelSystemRoles} from "./KeelSystemRoles.sol";

/// @title KeelAccessManager — the role book of one Keel system.
/// @notice System and identity contracts (`KeelAccessManaged`) ask it `hasRole`. Roles
/// are listed in `KeelSystemRoles`; the admin grants and revokes them all.
contract KeelAccessManager is Initializable, AccessControlUpgradeable, UUPSUpgradeable {
    error ZeroAddress();
    error LengthMismatch();

    constructor() {
        _disableInitializers();
    }

    function initialize(address admin) external initializer {
        if (admin == address(0)) revert ZeroAddress();
        __AccessControl_init();
        _grantRole(KeelSystemRoles.ADMIN_ROLE, admin);
    }

    /// @notice Grants `roles[i]` to `accounts[i]` (admin of each role only).
    function grantRoles(bytes32[] calldata roles, address[] calldata accounts) external {
        if (roles.length != accounts.length) revert LengthMismatch();
        for (uint256 i = 0; i < roles.length; ++i) {
            grantRole(roles[i], accounts[i]);
        }
    }

    /// @notice True when `account` holds at least one of `roles`.
    function hasAnyRole(bytes32[] calldata roles, address account) external view returns (bool) {
        for (uint256 i = 0; i < roles.length; ++i) {
            if (hasRole(roles[i], account)) return true;
        }
        return false;
    }

    function _authorizeUpgrade(address) internal override onlyRole(KeelSystemRoles.ADMIN_ROLE) {}
}
