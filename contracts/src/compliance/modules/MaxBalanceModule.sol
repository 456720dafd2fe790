// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";

/// @title Max balance: a recipient wallet may not hold more than `maxBalance` after the
/// movement. Stateless (reads the token balance), so forced moves need no repair.
/// @dev Applies per wallet; aggregation over all wallets of one identity is a
/// follow-up (see contracts/README.md).
contract MaxBalanceModule is ComplianceModuleBase {
    error MaxBalanceExceeded(address recipient, uint256 balanceAfter, uint256 maxBalance);

    event MaxBalanceSet(address indexed engine, uint256 maxBalance);

    mapping(bytes32 scope => uint256) private _max;

    function hooks() external pure returns (uint8) {
        return 0;
    }

    function name() external pure returns (string memory) {
        return "MaxBalance";
    }

    function setMaxBalance(uint256 maxBalance_) external onlyEngine {
        _max[_scope(msg.sender)] = maxBalance_;
        emit MaxBalanceSet(msg.sender, maxBalance_);
    }

    function maxBalance(address engine) external view returns (uint256) {
        return _max[_scope(engine)];
    }

    function checkTransfer(address token, address from, address to, uint256 value) external view {
        if (from == to) return;
        uint256 max = _max[_scope(msg.sender)];
        uint256 balanceAfter = IERC20(token).balanceOf(to) + value;
        if (balanceAfter > max) revert MaxBalanceExceeded(to, balanceAfter, max);
    }
}
