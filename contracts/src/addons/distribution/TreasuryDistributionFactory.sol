// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {FixedYieldSchedule} from "./FixedYieldSchedule.sol";
import {SnapshotDistribution} from "./SnapshotDistribution.sol";
import {BondRedemption} from "./BondRedemption.sol";

/// @title Deploys treasury distributions (yield/coupon schedules, one-off
/// distributions, bond redemptions), owned by the caller.
/// @notice A bond redemption needs the bond's supply-management role afterwards (it burns
/// what holders redeem).
contract TreasuryDistributionFactory {
    enum Kind {
        FixedYield,
        Snapshot,
        BondRedemption
    }

    struct YieldParams {
        address token;
        address denominationAsset;
        uint256 startDate;
        uint256 endDate;
        uint256 rateBps;
        uint256 interval;
        uint256 faceValue;
        /// @dev address(0): the schedule is its own treasury.
        address treasury;
    }

    event DistributionCreated(address indexed distribution, address indexed token, address indexed owner, Kind kind);

    mapping(address distribution => bool) public isDistribution;

    function createYieldSchedule(YieldParams calldata p) external returns (FixedYieldSchedule s) {
        s = new FixedYieldSchedule(
            p.token, p.denominationAsset, p.startDate, p.endDate, p.rateBps, p.interval, p.faceValue, p.treasury, msg.sender
        );
        _record(address(s), p.token, Kind.FixedYield);
    }

    function createDistribution(
        address token,
        address denominationAsset,
        uint256 snapshotTime,
        uint256 totalAmount,
        uint256 claimDeadline
    ) external returns (SnapshotDistribution d) {
        d = new SnapshotDistribution(token, denominationAsset, snapshotTime, totalAmount, claimDeadline, msg.sender);
        _record(address(d), token, Kind.Snapshot);
    }

    function createBondRedemption(address bond, address denominationAsset, uint256 faceValue, uint256 maturityDate)
        external
        returns (BondRedemption r)
    {
        r = new BondRedemption(bond, denominationAsset, faceValue, maturityDate, msg.sender);
        _record(address(r), bond, Kind.BondRedemption);
    }

    function _record(address d, address token, Kind kind) private {
        isDistribution[d] = true;
        emit DistributionCreated(d, token, msg.sender, kind);
    }
}
