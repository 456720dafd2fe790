// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";
import {ModuleHooks} from "../interfaces/IComplianceModule.sol";

/// @title Transfer volume limit in a rolling window: the amount a holder sends within
/// any `window` seconds may not exceed `limit`. Mints are not counted.
/// @dev Per sender, a ring of at most RING_SIZE (timestamp, cumulative amount) entries;
/// the volume in the window is the newest cumulative total minus the cumulative total
/// of the newest entry that left the window (or `base`). Ring slots are reused, so a
/// steady sender writes warm non-zero slots instead of fresh ones. When the ring is
/// full the newest entry absorbs the new amount and takes the new timestamp, which
/// only makes older amounts count longer (never shorter). Hooks record forced moves
/// too and never revert.
contract TransferVolumeLimitModule is ComplianceModuleBase {
    error TransferVolumeExceeded(address sender, uint256 volumeAfter, uint256 limit);

    event VolumeLimitSet(address indexed engine, uint64 window, uint256 limit);

    uint256 public constant RING_SIZE = 32;

    struct Config {
        uint64 window;
        uint256 limit;
    }

    struct Entry {
        uint64 at;
        uint192 cumulative;
    }

    struct Ledger {
        uint32 head; // oldest entry still counted
        uint32 tail; // one past the newest entry
        uint192 base; // cumulative amount of everything before `head`
        mapping(uint256 slot => Entry) ring;
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
        uint32 head = l.head;
        uint32 tail = l.tail;
        uint192 base = l.base;
        // Fold entries that left the window into `base`.
        while (head < tail) {
            Entry memory e = l.ring[head % RING_SIZE];
            if (e.at + window > block.timestamp) break;
            base = e.cumulative;
            ++head;
        }
        uint64 now_ = uint64(block.timestamp);
        if (head < tail) {
            Entry storage last = l.ring[(tail - 1) % RING_SIZE];
            uint192 cumulative = last.cumulative + uint192(value);
            if (last.at == now_ || tail - head >= RING_SIZE) {
                last.at = now_;
                last.cumulative = cumulative;
            } else {
                l.ring[tail % RING_SIZE] = Entry({at: now_, cumulative: cumulative});
                ++tail;
            }
        } else {
            l.ring[tail % RING_SIZE] = Entry({at: now_, cumulative: base + uint192(value)});
            ++tail;
        }
        l.head = head;
        l.tail = tail;
        l.base = base;
    }

    function _volume(Ledger storage l, uint64 window) private view returns (uint256) {
        uint32 head = l.head;
        uint32 tail = l.tail;
        if (head == tail) return 0;
        uint192 before = l.base;
        while (head < tail) {
            Entry memory e = l.ring[head % RING_SIZE];
            if (e.at + window > block.timestamp) break;
            before = e.cumulative;
            ++head;
        }
        if (head == tail) return 0;
        return l.ring[(tail - 1) % RING_SIZE].cumulative - before;
    }
}
