// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelDirectory} from "./KeelDirectory.sol";
import {KeelSystemRoles} from "./access/KeelSystemRoles.sol";

/// @title AddonRegistry — the system's addons (issuance, airdrop, xvp, ...) by name.
contract AddonRegistry is KeelDirectory {
    function initialize(address accessManager_) external initializer {
        __KeelAccessManaged_init(accessManager_, address(0));
    }

    function setAddon(bytes32 name, address addon_) external onlyRole(KeelSystemRoles.ADDON_MANAGER_ROLE) {
        _setEntry(name, addon_);
    }

    function removeAddon(bytes32 name) external onlyRole(KeelSystemRoles.ADDON_MANAGER_ROLE) {
        _removeEntry(name);
    }

    function addon(bytes32 name) external view returns (address) {
        return _entry(name);
    }

    function addonNames() external view returns (bytes32[] memory) {
        return _entryNames();
    }
}
