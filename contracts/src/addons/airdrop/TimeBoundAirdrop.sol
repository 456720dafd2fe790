// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AirdropBase} from "./AirdropBase.sol";

/// @title TimeBoundAirdrop — recipients claim between `startTime` and `endTime`.
/// @notice With the Bitmap tracker a claim takes the whole allocation; with the Amount
/// tracker a recipient may claim in parts.
contract TimeBoundAirdrop is AirdropBase {
    error ClaimNotStarted(uint256 startTime);
    error ClaimEnded(uint256 endTime);

    uint256 public immutable startTime;

    constructor(address token_, bytes32 root_, Tracker tracker_, uint256 startTime_, uint256 endTime_, address owner_)
        AirdropBase(token_, root_, tracker_, endTime_, owner_)
    {
        if (endTime_ <= startTime_) revert InvalidConfig();
        startTime = startTime_;
    }

    /// @param allocation the leaf's amount; @param amount what to claim now.
    function claim(uint256 index, uint256 allocation, uint256 amount, bytes32[] calldata proof)
        external
        nonReentrant
    {
        if (block.timestamp < startTime) revert ClaimNotStarted(startTime);
        if (block.timestamp > endTime) revert ClaimEnded(endTime);
        _requireProof(index, msg.sender, allocation, proof);
        _record(index, msg.sender, allocation, amount);
        _pay(msg.sender, amount);
    }
}
