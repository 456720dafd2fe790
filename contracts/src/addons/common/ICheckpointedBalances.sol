// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Historical balances of an asset (clock = timestamp).
/// @notice What treasury distributions need from the token: the balance and supply at
/// the end of a past timestamp, fixed once that timestamp is over. The issue-3 token
/// feature "historical balance checkpoints" provides it.
interface ICheckpointedBalances {
    function balanceOfAt(address account, uint256 timepoint) external view returns (uint256);
    function totalSupplyAt(uint256 timepoint) external view returns (uint256);
}
