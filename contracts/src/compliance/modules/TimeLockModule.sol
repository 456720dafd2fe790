// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";
import {ModuleHooks} from "../interfaces/IComplianceModule.sol";

/// @title Time lock / minimum holding period, tracked per acquisition: tokens received
/// (minted or transferred in) can be sent on only `holdPeriod` seconds later.
/// @dev Acquisitions are lots in a per-holder FIFO queue (unlock times are monotonic
/// for a fixed hold period, so matured lots are always at the head). Hooks never
/// revert: when a forced transfer, recovery or burn takes locked tokens, the oldest
/// locked lots shrink so the locked amount never exceeds the balance.
contract TimeLockModule is ComplianceModuleBase {
    error TokensLocked(address holder, uint256 unlocked, uint256 requested);

    /// @notice Open lots per holder are capped so nobody can make a holder's transfers
    /// expensive by sending many small amounts: past the cap, a new acquisition merges
    /// into the newest lot, which then unlocks at the later time (never earlier).
    uint256 public constant MAX_OPEN_LOTS = 64;

    event HoldPeriodSet(address indexed engine, uint64 holdPeriod);

    struct Lot {
        uint64 unlockAt;
        uint192 amount;
    }

    struct Queue {
        uint256 head;
        Lot[] lots;
    }

    mapping(bytes32 scope => uint64) private _holdPeriod;
    mapping(bytes32 scope => mapping(address token => mapping(address holder => Queue))) private _queues;

    function hooks() external pure returns (uint8) {
        return ModuleHooks.ALL;
    }

    function name() external pure returns (string memory) {
        return "TimeLock";
    }

    function setHoldPeriod(uint64 holdPeriod_) external onlyEngine {
        _holdPeriod[_scope(msg.sender)] = holdPeriod_;
        emit HoldPeriodSet(msg.sender, holdPeriod_);
    }

    function holdPeriod(address engine) external view returns (uint64) {
        return _holdPeriod[_scope(engine)];
    }

    function lockedBalance(address engine, address token, address holder) public view returns (uint256 locked) {
        Queue storage q = _queues[_scope(engine)][token][holder];
        uint256 n = q.lots.length;
        for (uint256 i = q.head; i < n; ++i) {
            Lot memory lot = q.lots[i];
            if (lot.unlockAt > block.timestamp) locked += lot.amount;
        }
    }

    function checkTransfer(address token, address from, address, uint256 value) external view {
        if (from == address(0)) return;
        uint256 balance = IERC20(token).balanceOf(from);
        uint256 locked = lockedBalance(msg.sender, token, from);
        uint256 unlocked = balance > locked ? balance - locked : 0;
        if (value > unlocked) revert TokensLocked(from, unlocked, value);
    }

    function transferred(address token, address from, address to, uint256 value) external override onlyEngine {
        if (from == to || value == 0) return;
        bytes32 scope = _scope(msg.sender);
        _shrink(scope, token, from);
        _acquire(scope, token, to, value);
    }

    function created(address token, address to, uint256 value) external override onlyEngine {
        if (value == 0) return;
        _acquire(_scope(msg.sender), token, to, value);
    }

    function destroyed(address token, address from, uint256) external override onlyEngine {
        _shrink(_scope(msg.sender), token, from);
    }

    function _acquire(bytes32 scope, address token, address to, uint256 value) private {
        uint64 period = _holdPeriod[scope];
        if (period == 0) return;
        Queue storage q = _queues[scope][token][to];
        _dropMatured(q);
        uint64 unlockAt = uint64(block.timestamp) + period;
        uint256 n = q.lots.length;
        // Same-second acquisitions share one lot; past the cap, merge into the newest lot.
        if (n > q.head && (q.lots[n - 1].unlockAt == unlockAt || n - q.head >= MAX_OPEN_LOTS)) {
            Lot storage last = q.lots[n - 1];
            last.amount += uint192(value);
            last.unlockAt = unlockAt;
        } else {
            q.lots.push(Lot({unlockAt: unlockAt, amount: uint192(value)}));
        }
    }

    /// @dev After tokens left `from`: drop matured lots, then cut the oldest locked lots
    /// until the locked amount fits in the remaining balance.
    function _shrink(bytes32 scope, address token, address from) private {
        Queue storage q = _queues[scope][token][from];
        _dropMatured(q);
        uint256 n = q.lots.length;
        if (q.head == n) return;
        uint256 balance = IERC20(token).balanceOf(from);
        uint256 locked = 0;
        for (uint256 i = q.head; i < n; ++i) {
            locked += q.lots[i].amount;
        }
        if (locked <= balance) return;
        uint256 excess = locked - balance;
        uint256 h = q.head;
        while (excess != 0) {
            Lot storage lot = q.lots[h];
            if (lot.amount <= excess) {
                excess -= lot.amount;
                delete q.lots[h];
                ++h;
            } else {
                lot.amount -= uint192(excess);
                excess = 0;
            }
        }
        q.head = h;
    }

    function _dropMatured(Queue storage q) private {
        uint256 h = q.head;
        uint256 n = q.lots.length;
        while (h < n && q.lots[h].unlockAt <= block.timestamp) {
            delete q.lots[h];
            ++h;
        }
        if (h == n && n != 0) {
            delete q.lots;
            h = 0;
        }
        q.head = h;
    }
}
