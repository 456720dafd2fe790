// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {KeelToken} from "./KeelToken.sol";
import {KeelVotesToken} from "./KeelVotesToken.sol";
import {KeelRoles} from "./KeelRoles.sol";

/// @title KeelFundToken — the fund kind's token: KeelToken with optional ERC-5805 voting
/// and a management fee.
/// @notice The fee accrues continuously on the total supply at `feeBps` per year
/// (365 days): pending = totalSupply × feeBps × elapsed / (10,000 × 365 days), simple
/// interest since the last collection. `collectManagementFee()` (anyone may call it; the
/// result only depends on time) mints the pending fee to the fee recipient, who must be
/// a verified holder; the mint runs the compliance `created` hooks and respects the cap
/// but not the modules' transfer rules (the fee is contractual, not a transfer). While
/// the pending fee rounds to zero the accrual clock does not advance, so frequent calls
/// cannot erase it. Changing the fee collects at the old rate first.
contract KeelFundToken is KeelVotesToken {
    uint16 public constant MAX_MANAGEMENT_FEE_BPS = 1_000;
    uint256 private constant YEAR = 365 days;

    /// @custom:storage-location erc7201:keel.storage.FundToken
    struct FundStorage {
        uint16 feeBps;
        uint64 lastCollection;
        address feeRecipient;
    }

    // keccak256(abi.encode(uint256(keccak256("keel.storage.FundToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant FUND_SLOT = 0xbd6c8211482aeffb7b501acc8415b6fa3865ba4031f2d5c03f3fba099d25bc00;

    error InvalidManagementFee(uint16 feeBps, address recipient);

    event ManagementFeeSet(uint16 feeBps, address indexed recipient);
    event ManagementFeeCollected(address indexed recipient, uint256 amount, uint64 periodStart, uint64 periodEnd);

    constructor(bool asImplementation) KeelToken(asImplementation) {}

    function _fund() private pure returns (FundStorage storage $) {
        bytes32 slot = FUND_SLOT;
        assembly {
            $.slot := slot
        }
    }

    /// @notice Sets the yearly fee rate and its recipient (governance); accrual restarts now.
    function setManagementFee(uint16 feeBps, address recipient) external onlyRole(KeelRoles.GOVERNANCE_ROLE) {
        if (feeBps > MAX_MANAGEMENT_FEE_BPS || recipient == address(0)) revert InvalidManagementFee(feeBps, recipient);
        FundStorage storage $ = _fund();
        if (pendingManagementFee() != 0) _collect($);
        $.feeBps = feeBps;
        $.feeRecipient = recipient;
        $.lastCollection = uint64(block.timestamp);
        emit ManagementFeeSet(feeBps, recipient);
    }

    function managementFee() external view returns (uint16 feeBps, address recipient, uint64 lastCollection) {
        FundStorage storage $ = _fund();
        return ($.feeBps, $.feeRecipient, $.lastCollection);
    }

    function pendingManagementFee() public view returns (uint256) {
        FundStorage storage $ = _fund();
        if ($.feeBps == 0) return 0;
        return Math.mulDiv(totalSupply(), uint256($.feeBps) * (block.timestamp - $.lastCollection), 10_000 * YEAR);
    }

    /// @notice Mints the pending fee to the fee recipient; returns the amount (0: nothing due).
    function collectManagementFee() external returns (uint256) {
        return _collect(_fund());
    }

    function _collect(FundStorage storage $) private returns (uint256 fee) {
        fee = pendingManagementFee();
        if (fee == 0) return 0;
        uint64 start = $.lastCollection;
        $.lastCollection = uint64(block.timestamp);
        _issue($.feeRecipient, fee, false);
        emit ManagementFeeCollected($.feeRecipient, fee, start, uint64(block.timestamp));
    }
}
