// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {KeelToken} from "../../../src/token/KeelToken.sol";

/// @notice Test double: the Keel token plus historical balance checkpoints
/// (`balanceOfAt` / `totalSupplyAt`, clock = timestamp), standing in for the token's
/// checkpoint feature (issue 3) until it lands. Transfer semantics are the real token's.
contract CheckpointedKeelToken is KeelToken {
    using Checkpoints for Checkpoints.Trace208;

    error FutureLookup(uint256 timepoint, uint256 clock);

    mapping(address account => Checkpoints.Trace208) private _balanceHistory;
    Checkpoints.Trace208 private _supplyHistory;

    constructor() KeelToken(false) {}

    function balanceOfAt(address account, uint256 timepoint) external view returns (uint256) {
        if (timepoint >= block.timestamp) revert FutureLookup(timepoint, block.timestamp);
        return _balanceHistory[account].upperLookupRecent(uint48(timepoint));
    }

    function totalSupplyAt(uint256 timepoint) external view returns (uint256) {
        if (timepoint >= block.timestamp) revert FutureLookup(timepoint, block.timestamp);
        return _supplyHistory.upperLookupRecent(uint48(timepoint));
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        uint48 t = uint48(block.timestamp);
        if (from == address(0) || to == address(0)) _supplyHistory.push(t, uint208(totalSupply()));
        if (from != address(0)) _balanceHistory[from].push(t, uint208(balanceOf(from)));
        if (to != address(0)) _balanceHistory[to].push(t, uint208(balanceOf(to)));
    }
}
