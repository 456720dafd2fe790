// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {ICheckpointedBalances} from "../common/ICheckpointedBalances.sol";

/// @title SnapshotDistribution — a one-off distribution (e.g. a dividend).
/// @notice A pool of `totalAmount` denomination units is shared pro rata to the
/// balances at `snapshotTime` (historical checkpoints). Claims open once the pool is
/// funded and the snapshot is in the past, and close at `claimDeadline`; then the
/// owner withdraws what is left. Each claim is O(1) in the number of holders.
contract SnapshotDistribution is Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    error InvalidConfig();
    error AlreadyFunded();
    error NotFunded();
    error SnapshotNotPassed(uint256 snapshotTime);
    error ClaimsClosed(uint256 claimDeadline);
    error ClaimsOpen(uint256 claimDeadline);
    error AlreadyClaimed(address holder);
    error NothingToClaim(address holder);

    event DistributionFunded(address indexed from, uint256 amount);
    event DistributionClaimed(address indexed holder, uint256 amount);
    event RemainderWithdrawn(address indexed to, uint256 amount);

    ICheckpointedBalances public immutable token;
    IERC20 public immutable denominationAsset;
    uint256 public immutable snapshotTime;
    uint256 public immutable totalAmount;
    uint256 public immutable claimDeadline;

    bool public funded;
    uint256 public totalClaimed;
    mapping(address holder => bool) public claimed;

    constructor(
        address token_,
        address denominationAsset_,
        uint256 snapshotTime_,
        uint256 totalAmount_,
        uint256 claimDeadline_,
        address owner_
    ) Ownable(owner_) {
        if (
            token_ == address(0) || denominationAsset_ == address(0) || totalAmount_ == 0
                || claimDeadline_ <= snapshotTime_
        ) revert InvalidConfig();
        token = ICheckpointedBalances(token_);
        denominationAsset = IERC20(denominationAsset_);
        snapshotTime = snapshotTime_;
        totalAmount = totalAmount_;
        claimDeadline = claimDeadline_;
    }

    /// @notice Pulls the whole pool from the caller (a wallet or a vault), once.
    function fund() external nonReentrant {
        if (funded) revert AlreadyFunded();
        funded = true;
        emit DistributionFunded(msg.sender, totalAmount);
        denominationAsset.safeTransferFrom(msg.sender, address(this), totalAmount);
    }

    function entitlement(address holder) public view returns (uint256) {
        if (block.timestamp <= snapshotTime) return 0;
        uint256 supply = token.totalSupplyAt(snapshotTime);
        if (supply == 0) return 0;
        return totalAmount * token.balanceOfAt(holder, snapshotTime) / supply;
    }

    /// @notice Pays `holder` its share (anyone may trigger it; the money goes to the holder).
    function claim(address holder) external nonReentrant returns (uint256 amount) {
        if (!funded) revert NotFunded();
        if (block.timestamp <= snapshotTime) revert SnapshotNotPassed(snapshotTime);
        if (block.timestamp > claimDeadline) revert ClaimsClosed(claimDeadline);
        if (claimed[holder]) revert AlreadyClaimed(holder);
        amount = entitlement(holder);
        if (amount == 0) revert NothingToClaim(holder);
        claimed[holder] = true;
        totalClaimed += amount;
        emit DistributionClaimed(holder, amount);
        denominationAsset.safeTransfer(holder, amount);
    }

    function withdrawRemainder(address to) external onlyOwner nonReentrant {
        if (block.timestamp <= claimDeadline) revert ClaimsOpen(claimDeadline);
        uint256 amount = denominationAsset.balanceOf(address(this));
        emit RemainderWithdrawn(to, amount);
        denominationAsset.safeTransfer(to, amount);
    }
}
