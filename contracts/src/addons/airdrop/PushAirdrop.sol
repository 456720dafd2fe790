// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AirdropBase} from "./AirdropBase.sol";
import {AssetCompliance} from "../common/AssetCompliance.sol";

/// @title PushAirdrop — the operator distributes to the Merkle list in capped batches.
/// @notice Every item still needs its proof, so the operator can only pay what the
/// published root allows. Re-running a batch is harmless: paid items are skipped.
/// A recipient the asset would refuse (identity, compliance, freeze) is skipped with
/// an event instead of blocking the whole batch; it stays payable later.
contract PushAirdrop is AirdropBase {
    struct Item {
        uint256 index;
        address account;
        uint256 amount;
        bytes32[] proof;
    }

    error BatchTooLarge(uint256 size, uint256 max);
    error DistributionEnded(uint256 endTime);

    event PushSkipped(uint256 indexed index, address indexed account, bytes32 reason);

    bytes32 private constant SKIP_ALREADY_PAID = "already-paid";
    bytes32 private constant SKIP_NOT_ALLOWED = "not-allowed";

    uint256 public immutable maxBatchSize;

    constructor(address token_, bytes32 root_, Tracker tracker_, uint256 endTime_, uint256 maxBatchSize_, address owner_)
        AirdropBase(token_, root_, tracker_, endTime_, owner_)
    {
        if (maxBatchSize_ == 0) revert InvalidConfig();
        maxBatchSize = maxBatchSize_;
    }

    function distribute(Item[] calldata items) external onlyOwner nonReentrant {
        if (block.timestamp > endTime) revert DistributionEnded(endTime);
        uint256 n = items.length;
        if (n > maxBatchSize) revert BatchTooLarge(n, maxBatchSize);
        for (uint256 i = 0; i < n; ++i) {
            Item calldata it = items[i];
            _requireProof(it.index, it.account, it.amount, it.proof);
            uint256 remaining = _remaining(it.index, it.amount);
            if (remaining == 0) {
                emit PushSkipped(it.index, it.account, SKIP_ALREADY_PAID);
                continue;
            }
            if (!AssetCompliance.isAllowed(address(token), address(this), it.account, remaining)) {
                emit PushSkipped(it.index, it.account, SKIP_NOT_ALLOWED);
                continue;
            }
            _record(it.index, it.account, it.amount, remaining);
            _send(it.account, remaining);
        }
    }
}
