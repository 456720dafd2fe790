// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelDirectory} from "./KeelDirectory.sol";
import {KeelSystemRoles} from "./access/KeelSystemRoles.sol";

/// @title FactoryRegistry — the asset factory for each asset kind ("bond", "equity", ...).
contract FactoryRegistry is KeelDirectory {
    function initialize(address accessManager_) external initializer {
        __KeelAccessManaged_init(accessManager_, address(0));
    }

    function setFactory(bytes32 kind, address factory) external onlyRole(KeelSystemRoles.SYSTEM_MANAGER_ROLE) {
        _setEntry(kind, factory);
    }

    function removeFactory(bytes32 kind) external onlyRole(KeelSystemRoles.SYSTEM_MANAGER_ROLE) {
        _removeEntry(kind);
    }

    function factoryFor(bytes32 kind) external view returns (address) {
        return _entry(kind);
    }

    function kinds() external view returns (bytes32[] memory) {
        return _entryNames();
    }
}
