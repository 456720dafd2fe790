// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {KeelToken} from "./KeelToken.sol";

/// @title KeelVotesToken — KeelToken with optional ERC-5805 voting (FEATURE_VOTING).
/// @notice Holders delegate their voting power (to themselves to vote directly);
/// `getVotes` / `getPastVotes` / `getPastTotalSupply` read checkpoints on the ERC-6372
/// timestamp clock (`clock()` = block.timestamp, `CLOCK_MODE()` = "mode=timestamp").
/// Votes follow every balance change, whatever its path (transfer, mint, burn, forced
/// transfer, recovery, redemption), because they move in `_update`. `delegateBySig`
/// uses the token's EIP-712 domain and the permit nonces.
/// @dev State in an ERC-7201 namespace, so KeelToken can append state in later versions.
abstract contract KeelVotesToken is KeelToken {
    using Checkpoints for Checkpoints.Trace208;

    bytes32 private constant DELEGATION_TYPEHASH =
        keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");

    /// @custom:storage-location erc7201:keel.storage.Votes
    struct VotesStorage {
        bool enabled;
        mapping(address account => address) delegatee;
        mapping(address delegatee => Checkpoints.Trace208) votes;
        Checkpoints.Trace208 totalSupply;
    }

    // keccak256(abi.encode(uint256(keccak256("keel.storage.Votes")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant VOTES_SLOT = 0xdde431a88536e6a794d5f50b2ab4a7ef5256cc09fb39985d4a4ee48b8c18ef00;

    error VotingDisabled();
    error VotesExpiredSignature(uint256 expiry);

    event DelegateChanged(address indexed delegator, address indexed fromDelegate, address indexed toDelegate);
    event DelegateVotesChanged(address indexed delegate, uint256 previousVotes, uint256 newVotes);

    function _votes() private pure returns (VotesStorage storage $) {
        bytes32 slot = VOTES_SLOT;
        assembly {
            $.slot := slot
        }
    }

    function votingEnabled() public view returns (bool) {
        return _votes().enabled;
    }

    function delegates(address account) public view returns (address) {
        return _votes().delegatee[account];
    }

    function getVotes(address account) external view returns (uint256) {
        return _votes().votes[account].latest();
    }

    function getPastVotes(address account, uint256 timepoint) external view returns (uint256) {
        return _votes().votes[account].upperLookupRecent(_pastVotesTimepoint(timepoint));
    }

    function getPastTotalSupply(uint256 timepoint) external view returns (uint256) {
        return _votes().totalSupply.upperLookupRecent(_pastVotesTimepoint(timepoint));
    }

    function delegate(address delegatee) external {
        _delegate(msg.sender, delegatee);
    }

    function delegateBySig(address delegatee, uint256 nonce, uint256 expiry, uint8 v, bytes32 r, bytes32 s)
        external
    {
        if (block.timestamp > expiry) revert VotesExpiredSignature(expiry);
        address signer = ECDSA.recover(
            _hashTypedDataV4(keccak256(abi.encode(DELEGATION_TYPEHASH, delegatee, nonce, expiry))), v, r, s
        );
        _useCheckedNonce(signer, nonce);
        _delegate(signer, delegatee);
    }

    function _initFeatures(uint256 features) internal virtual override {
        if (features & FEATURE_VOTING != 0) _votes().enabled = true;
        super._initFeatures(features & ~FEATURE_VOTING);
    }

    function _delegate(address account, address delegatee) private {
        VotesStorage storage $ = _votes();
        if (!$.enabled) revert VotingDisabled();
        address previous = $.delegatee[account];
        $.delegatee[account] = delegatee;
        emit DelegateChanged(account, previous, delegatee);
        _moveVotes($, previous, delegatee, balanceOf(account));
    }

    function _update(address from, address to, uint256 value) internal virtual override {
        super._update(from, to, value);
        VotesStorage storage $ = _votes();
        if (!$.enabled) return;
        if (from == address(0) || to == address(0)) {
            $.totalSupply.push(clock(), SafeCast.toUint208(totalSupply()));
        }
        _moveVotes($, $.delegatee[from], $.delegatee[to], value);
    }

    function _moveVotes(VotesStorage storage $, address src, address dst, uint256 amount) private {
        if (src == dst || amount == 0) return;
        uint48 key = clock();
        if (src != address(0)) {
            Checkpoints.Trace208 storage t = $.votes[src];
            uint256 before = t.latest();
            t.push(key, SafeCast.toUint208(before - amount));
            emit DelegateVotesChanged(src, before, before - amount);
        }
        if (dst != address(0)) {
            Checkpoints.Trace208 storage t = $.votes[dst];
            uint256 before = t.latest();
            t.push(key, SafeCast.toUint208(before + amount));
            emit DelegateVotesChanged(dst, before, before + amount);
        }
    }

    function _pastVotesTimepoint(uint256 timepoint) private view returns (uint48) {
        if (!_votes().enabled) revert VotingDisabled();
        uint48 now_ = clock();
        if (timepoint >= now_) revert FutureLookup(timepoint, now_);
        return uint48(timepoint);
    }
}
