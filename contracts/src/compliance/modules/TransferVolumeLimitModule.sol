// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";
import {ModuleHooks} from "../interfaces/IComplianceModule.sol";

/// @title Transfer volume limit in a rolling window: the amount a holder sends within
/// any `window` seconds may not exceed `limit`. Mints are not counted.
/// @dev Per sender, a queue of (timestamp, cumulative amount) entries; the volume in the
/// window is the cumulative total minus the cumulative total just before the oldest
/// entry still inside the window. Hooks record forced moves too and never revert.
contract TransferVolumeLimitModule is ComplianceModuleBase {
    error TransferVolumeExceeded(address sender, uint256 volumeAfter, uint256 limit);

    event VolumeLimitSet(address indexed engine, uint64 window, uint256 limit);

    struct Config {
        uint64 window;
        uint256 limit;
    }

    struct Entry {
        uint64 at;
        uint192 cumulative;
    }

    struct Ledger {
        uint256 head;
        uint192 base; // cumulative amount of everything before `head`
        Entry[] entries;
    }

    mapping(bytes32 scope => Config) private _config;
    mapping(bytes32 scope => mapping(address token => mapping(address sender => Ledger))) private _ledgers;

    function hooks() external pure returns (uint8) {
        return ModuleHooks.TRANSFERRED;
    }

    function name() external pure returns (string memory) {
        return "TransferVolumeLimit";
    }

    function setVolumeLimit(uint64 window, uint256 limit) external onlyEngine {
        _config[_scope(msg.sender)] = Config({window: window, limit: limit});
        emit VolumeLimitSet(msg.sender, window, limit);
    }

    function config(address engine) external view returns (uint64 window, uint256 limit) {
        Config storage c = _config[_scope(engine)];
        return (c.window, c.limit);
    }

    function volumeInWindow(address engine, address token, address sender) public view returns (uint256) {
        bytes32 scope = _scope(engine);
        return _volume(_ledgers[scope][token][sender], _config[scope].window);
    }

    function checkTransfer(address token, address from, address, uint256 value) external view {
        if (from == address(0)) return;
        bytes32 scope = _scope(msg.sender);
        Config storage c = _config[scope];
        uint256 after_ = _volume(_ledgers[scope][token][from], c.window) + value;
        if (after_ > c.limit) revert TransferVolumeExceeded(from, after_, c.limit);
    }

    function transferred(address token, address from, address, uint256 value) external override onlyEngine {
        if (value == 0) return;
        bytes32 scope = _scope(msg.sender);
        uint64 window = _config[scope].window;
        Ledger storage l = _ledgers[scope][token][from];
        // Drop entries that left the window, folding them into `base`.
        uint256 h = l.head;
        uint256 n = l.entries.length;
        while (h < n && l.entries[h].at + window <= block.timestamp) {
            l.base = l.entries[h].cumulative;
            delete l.entries[h];
            ++h;
        }
        l.head = h;
        uint192 last = n > h ? l.entries[n - 1].cumulative : l.base;
        uint192 cumulative = last + uint192(value);
        if (n > h && l.entries[n - 1].at == uint64(block.timestamp)) {
            l.entries[n - 1].cumulative = cumulative;
        } else {
            l.entries.push(Entry({at: uint64(block.timestamp), cumulative: cumulative}));
        }
    }

    function _volume(Ledger storage l, uint64 window) private view returns (uint256) {
        uint256 n = l.entries.length;
        uint256 h = l.head;
        if (h == n) return 0;
        uint192 before = l.base;
        while (h < n && l.entries[h].at + window <= block.timestamp) {
            before = l.entries[h].cumulative;
            ++h;
        }
        if (h == n) return 0;
        return l.entries[n - 1].cumulative - before;
    }
}
