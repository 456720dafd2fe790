// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelToken} from "../../../src/token/KeelToken.sol";

/// @notice The Keel token with its historical balance checkpoints feature switched on
/// (`balanceOfAt` / `totalSupplyAt`, clock = timestamp). Production assets enable it
/// with `initializeWithFeatures(params, FEATURE_HISTORICAL_BALANCES)`; this subclass
/// keeps the addon fixtures' plain `initialize` call.
contract CheckpointedKeelToken is KeelToken {
    constructor() KeelToken(false) {
        _enableHistoricalBalances();
    }
}
