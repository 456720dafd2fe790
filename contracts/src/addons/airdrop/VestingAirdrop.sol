// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AirdropBase} from "./AirdropBase.sol";

/// @title VestingAirdrop — linear vesting with a cliff, started per recipient.
/// @notice A recipient initializes its allocation (with its proof) before the
/// initialization deadline; its vesting starts then. It claims what has vested at any
/// time (cliff: nothing before `cliff` seconds, then linear up to `duration`).
/// Allocations not initialized by the deadline return to the owner; initialized ones
/// stay reserved until claimed. Uses the Amount tracker.
contract VestingAirdrop is AirdropBase {
    struct Vesting {
        address account;
        uint64 start;
        uint256 allocation;
    }

    error InitializationClosed(uint256 deadline);
    error AlreadyInitialized(uint256 index);
    error NotInitialized(uint256 index);
    error NotRecipient(uint256 index, address caller);
    error NothingVested(uint256 index);

    event VestingInitialized(uint256 indexed index, address indexed account, uint256 allocation, uint256 start);

    uint256 public immutable cliff;
    uint256 public immutable duration;
    uint256 public totalInitialized;
    mapping(uint256 index => Vesting) private _vesting;

    constructor(address token_, bytes32 root_, uint256 initDeadline_, uint256 cliff_, uint256 duration_, address owner_)
        AirdropBase(token_, root_, Tracker.Amount, initDeadline_, owner_)
    {
        if (duration_ == 0 || cliff_ > duration_) revert InvalidConfig();
        cliff = cliff_;
        duration = duration_;
    }

    function initializeVesting(uint256 index, uint256 allocation, bytes32[] calldata proof) external {
        if (block.timestamp > endTime) revert InitializationClosed(endTime);
        if (_vesting[index].account != address(0)) revert AlreadyInitialized(index);
        _requireProof(index, msg.sender, allocation, proof);
        _vesting[index] = Vesting(msg.sender, uint64(block.timestamp), allocation);
        totalInitialized += allocation;
        emit VestingInitialized(index, msg.sender, allocation, block.timestamp);
    }

    /// @notice Claims everything vested and not yet claimed on `index`.
    function claim(uint256 index) external nonReentrant returns (uint256 amount) {
        Vesting memory v = _vesting[index];
        if (v.account == address(0)) revert NotInitialized(index);
        if (v.account != msg.sender) revert NotRecipient(index, msg.sender);
        amount = claimable(index);
        if (amount == 0) revert NothingVested(index);
        _record(index, msg.sender, v.allocation, amount);
        _pay(msg.sender, amount);
    }

    function vested(uint256 index) public view returns (uint256) {
        Vesting memory v = _vesting[index];
        if (v.account == address(0)) return 0;
        uint256 elapsed = block.timestamp - v.start;
        if (elapsed < cliff) return 0;
        if (elapsed >= duration) return v.allocation;
        return v.allocation * elapsed / duration;
    }

    function claimable(uint256 index) public view returns (uint256) {
        return vested(index) - claimedAmount(index);
    }

    function vestingOf(uint256 index) external view returns (Vesting memory) {
        return _vesting[index];
    }

    function _stillOwed() internal view override returns (uint256) {
        return totalInitialized - totalClaimed;
    }
}
