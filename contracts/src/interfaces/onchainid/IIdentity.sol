// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC734} from "./IERC734.sol";
import {IERC735} from "./IERC735.sol";

/// @title OnchainID identity: an ERC-734 key holder and ERC-735 claim holder.
interface IIdentity is IERC734, IERC735 {
    /// @notice Whether `sig` over (identity, claimTopic, data) was made by a CLAIM key of
    /// this identity (used when this identity acts as a claim issuer).
    function isClaimValid(IIdentity identity, uint256 claimTopic, bytes calldata sig, bytes calldata data)
        external
        view
        returns (bool);
}
