// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title Pays from a treasury: this contract itself, or an external address (a wallet
/// or a Keel vault) that gave this contract an allowance.
library TreasuryPayer {
    using SafeERC20 for IERC20;

    /// @notice The treasury cannot cover `required` right now; top it up and retry.
    error TreasuryShortfall(address treasury, uint256 required, uint256 available);

    function available(IERC20 asset, address treasury) internal view returns (uint256) {
        uint256 balance = asset.balanceOf(treasury);
        if (treasury == address(this)) return balance;
        uint256 allowance = asset.allowance(treasury, address(this));
        return balance < allowance ? balance : allowance;
    }

    function pay(IERC20 asset, address treasury, address to, uint256 amount) internal {
        uint256 avail = available(asset, treasury);
        if (avail < amount) revert TreasuryShortfall(treasury, amount, avail);
        if (treasury == address(this)) asset.safeTransfer(to, amount);
        else asset.safeTransferFrom(treasury, to, amount);
    }
}
