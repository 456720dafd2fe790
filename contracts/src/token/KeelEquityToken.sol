// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelToken} from "./KeelToken.sol";
import {KeelVotesToken} from "./KeelVotesToken.sol";

/// @title KeelEquityToken — the equity kind's token: KeelToken with optional ERC-5805
/// voting (FEATURE_VOTING). The equity factory always records historical balances
/// (dividends are computed from past balances).
contract KeelEquityToken is KeelVotesToken {
    constructor(bool asImplementation) KeelToken(asImplementation) {}
}
