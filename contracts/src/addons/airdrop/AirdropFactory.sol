// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AirdropBase} from "./AirdropBase.sol";
import {PushAirdrop} from "./PushAirdrop.sol";
import {TimeBoundAirdrop} from "./TimeBoundAirdrop.sol";
import {VestingAirdrop} from "./VestingAirdrop.sol";

/// @title Deploys airdrops of the three strategies, owned by the caller.
/// @notice The new airdrop must then be funded (and, for a Keel asset, registered in the
/// asset's identity registry so it can hold the asset).
contract AirdropFactory {
    enum Strategy {
        Push,
        TimeBound,
        Vesting
    }

    event AirdropCreated(address indexed airdrop, address indexed token, address indexed owner, Strategy strategy, bytes32 root);

    mapping(address airdrop => bool) public isAirdrop;

    function createPush(address token, bytes32 root, AirdropBase.Tracker tracker, uint256 endTime, uint256 maxBatch)
        external
        returns (PushAirdrop a)
    {
        a = new PushAirdrop(token, root, tracker, endTime, maxBatch, msg.sender);
        _record(address(a), token, Strategy.Push, root);
    }

    function createTimeBound(
        address token,
        bytes32 root,
        AirdropBase.Tracker tracker,
        uint256 startTime,
        uint256 endTime
    ) external returns (TimeBoundAirdrop a) {
        a = new TimeBoundAirdrop(token, root, tracker, startTime, endTime, msg.sender);
        _record(address(a), token, Strategy.TimeBound, root);
    }

    function createVesting(address token, bytes32 root, uint256 initDeadline, uint256 cliff, uint256 duration)
        external
        returns (VestingAirdrop a)
    {
        a = new VestingAirdrop(token, root, initDeadline, cliff, duration, msg.sender);
        _record(address(a), token, Strategy.Vesting, root);
    }

    function _record(address a, address token, Strategy s, bytes32 root) private {
        isAirdrop[a] = true;
        emit AirdropCreated(a, token, msg.sender, s, root);
    }
}
