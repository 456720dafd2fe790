// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {ICheckpointedBalances} from "../common/ICheckpointedBalances.sol";
import {TreasuryPayer} from "./TreasuryPayer.sol";

/// @title FixedYieldSchedule — a fixed coupon / yield schedule for one asset.
/// @notice Periods of `interval` seconds from `startDate` to `endDate` (the last one may
/// be shorter). A holder's yield for a period is its balance at the period's end
/// (historical checkpoint) × face value × annual rate × period length / year, in the
/// denomination asset. Entitlements are fixed once a period ends and each claim is
/// O(1) in the number of holders (it walks the holder's own unclaimed periods only).
/// Paid from the treasury: this contract (topped up) or an external address / vault
/// with an allowance; a shortfall fails the claim with `TreasuryShortfall` until topped up.
contract FixedYieldSchedule is Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    uint256 public constant BPS = 10_000;
    uint256 public constant YEAR = 365 days;

    error InvalidSchedule();
    error NothingToClaim(address holder);
    error PeriodOutOfRange(uint256 period);
    error ZeroAmount();
    error NotInternalTreasury();

    event YieldClaimed(address indexed holder, uint256 fromPeriod, uint256 toPeriod, uint256 amount);
    event TreasuryToppedUp(address indexed from, address indexed treasury, uint256 amount);
    event TreasuryWithdrawn(address indexed to, uint256 amount);
    event TreasuryChanged(address indexed treasury);

    ICheckpointedBalances public immutable token;
    IERC20 public immutable denominationAsset;
    uint256 public immutable startDate;
    uint256 public immutable endDate;
    uint256 public immutable interval;
    uint256 public immutable rateBps;
    /// @notice Denomination units per whole token (10**decimals base units).
    uint256 public immutable faceValue;
    uint256 private immutable _unit;

    address public treasury;
    uint256 public totalClaimed;
    /// @notice First period not yet claimed by each holder.
    mapping(address holder => uint256) public nextPeriod;

    constructor(
        address token_,
        address denominationAsset_,
        uint256 startDate_,
        uint256 endDate_,
        uint256 rateBps_,
        uint256 interval_,
        uint256 faceValue_,
        address treasury_,
        address owner_
    ) Ownable(owner_) {
        if (
            token_ == address(0) || denominationAsset_ == address(0) || endDate_ <= startDate_ || interval_ == 0
                || rateBps_ == 0 || faceValue_ == 0
        ) revert InvalidSchedule();
        token = ICheckpointedBalances(token_);
        denominationAsset = IERC20(denominationAsset_);
        startDate = startDate_;
        endDate = endDate_;
        rateBps = rateBps_;
        interval = interval_;
        faceValue = faceValue_;
        _unit = 10 ** IERC20Metadata(token_).decimals();
        treasury = treasury_ == address(0) ? address(this) : treasury_;
        emit TreasuryChanged(treasury);
    }

    // ---------------------------------------------------------------- schedule

    function periodCount() public view returns (uint256) {
        return (endDate - startDate + interval - 1) / interval;
    }

    function periodEnd(uint256 period) public view returns (uint256) {
        if (period >= periodCount()) revert PeriodOutOfRange(period);
        uint256 end = startDate + (period + 1) * interval;
        return end > endDate ? endDate : end;
    }

    /// @notice Periods whose end is strictly in the past (their balances are final).
    function completedPeriods() public view returns (uint256) {
        if (block.timestamp <= startDate) return 0;
        uint256 n = (block.timestamp - 1 - startDate) / interval;
        uint256 count = periodCount();
        if (block.timestamp > endDate) return count;
        return n < count ? n : count;
    }

    function _yield(uint256 balance, uint256 period) private view returns (uint256) {
        uint256 end = periodEnd(period);
        uint256 length = end - (startDate + period * interval);
        return balance * faceValue * rateBps * length / (BPS * YEAR * _unit);
    }

    /// @notice Yield of `holder` for `period` (final once the period has ended).
    function yieldFor(address holder, uint256 period) public view returns (uint256) {
        return _yield(token.balanceOfAt(holder, periodEnd(period)), period);
    }

    /// @notice Yield owed to all holders for `period` (what the treasury must cover).
    function totalYieldForPeriod(uint256 period) public view returns (uint256) {
        return _yield(token.totalSupplyAt(periodEnd(period)), period);
    }

    function claimable(address holder) public view returns (uint256 amount) {
        uint256 done = completedPeriods();
        for (uint256 p = nextPeriod[holder]; p < done; ++p) amount += yieldFor(holder, p);
    }

    // ---------------------------------------------------------------- claims

    /// @notice Pays the caller its yield for every completed, unclaimed period.
    function claim() external nonReentrant returns (uint256 amount) {
        uint256 from = nextPeriod[msg.sender];
        uint256 done = completedPeriods();
        for (uint256 p = from; p < done; ++p) amount += yieldFor(msg.sender, p);
        if (amount == 0) revert NothingToClaim(msg.sender);
        nextPeriod[msg.sender] = done;
        totalClaimed += amount;
        emit YieldClaimed(msg.sender, from, done, amount);
        TreasuryPayer.pay(denominationAsset, treasury, msg.sender, amount);
    }

    // ---------------------------------------------------------------- treasury

    function treasuryAvailable() external view returns (uint256) {
        return TreasuryPayer.available(denominationAsset, treasury);
    }

    /// @notice Anyone may top up the treasury (into this contract or the external treasury).
    function topUp(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        emit TreasuryToppedUp(msg.sender, treasury, amount);
        denominationAsset.safeTransferFrom(msg.sender, treasury, amount);
    }

    /// @notice Withdraws from the internal treasury (an external treasury is its owner's).
    function withdraw(address to, uint256 amount) external onlyOwner nonReentrant {
        if (treasury != address(this)) revert NotInternalTreasury();
        emit TreasuryWithdrawn(to, amount);
        denominationAsset.safeTransfer(to, amount);
    }

    /// @param treasury_ address(0) selects this contract as the treasury.
    function setTreasury(address treasury_) external onlyOwner {
        treasury = treasury_ == address(0) ? address(this) : treasury_;
        emit TreasuryChanged(treasury);
    }
}
