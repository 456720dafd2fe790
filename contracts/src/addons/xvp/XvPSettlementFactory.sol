// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {XvPSettlement} from "./XvPSettlement.sol";

/// @title Deploys XvP settlements; anyone may propose one (the parties approve it).
contract XvPSettlementFactory {
    event XvPSettlementCreated(address indexed settlement, address indexed creator);

    mapping(address settlement => bool) public isSettlement;

    function create(XvPSettlement.Leg[] calldata legs, uint256 cutoff, bool autoExecute, bytes32 hashlock)
        external
        returns (XvPSettlement settlement)
    {
        settlement = new XvPSettlement(legs, cutoff, autoExecute, hashlock, msg.sender);
        isSettlement[address(settlement)] = true;
        emit XvPSettlementCreated(address(settlement), msg.sender);
    }
}
