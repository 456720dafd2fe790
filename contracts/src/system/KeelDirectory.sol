// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelAccessManaged} from "./access/KeelAccessManaged.sol";

/// @title A name -> address directory (base of the system, factory and addon registries).
abstract contract KeelDirectory is KeelAccessManaged {
    uint256 public constant MAX_ENTRIES = 64;

    error ZeroAddress();
    error UnknownEntry(bytes32 name);
    error TooManyEntries();

    event EntrySet(bytes32 indexed name, address indexed previous, address indexed current);
    event EntryRemoved(bytes32 indexed name, address indexed previous);

    mapping(bytes32 name => address) private _entries;
    bytes32[] private _names;

    function _setEntry(bytes32 name, address value) internal {
        if (value == address(0)) revert ZeroAddress();
        address previous = _entries[name];
        if (previous == address(0)) {
            if (_names.length >= MAX_ENTRIES) revert TooManyEntries();
            _names.push(name);
        }
        _entries[name] = value;
        emit EntrySet(name, previous, value);
    }

    function _removeEntry(bytes32 name) internal {
        address previous = _entries[name];
        if (previous == address(0)) revert UnknownEntry(name);
        delete _entries[name];
        uint256 n = _names.length;
        for (uint256 i = 0; i < n; ++i) {
            if (_names[i] == name) {
                _names[i] = _names[n - 1];
                _names.pop();
                break;
            }
        }
        emit EntryRemoved(name, previous);
    }

    function _entry(bytes32 name) internal view returns (address) {
        return _entries[name];
    }

    function _entryNames() internal view returns (bytes32[] memory) {
        return _names;
    }
}
