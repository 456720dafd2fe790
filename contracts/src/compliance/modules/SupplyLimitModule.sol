// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";
import {ModuleHooks} from "../interfaces/IComplianceModule.sol";

/// @title Supply cap and supply limit per period: a mint may not take the total
/// supply above `cap`, nor the amount minted in the current fixed period (periods of
/// `periodLength` seconds counted from the unix epoch) above `periodLimit`.
/// 0 disables either rule. Only mints are checked.
contract SupplyLimitModule is ComplianceModuleBase {
    error SupplyCapExceeded(uint256 supplyAfter, uint256 cap);
    error PeriodSupplyLimitExceeded(uint256 mintedInPeriodAfter, uint256 periodLimit);

    event SupplyCapSet(address indexed engine, uint256 cap);
    event PeriodLimitSet(address indexed engine, uint256 periodLength, uint256 periodLimit);

    struct Config {
        uint256 cap;
        uint64 periodLength;
        uint256 periodLimit;
    }

    struct PeriodState {
        uint64 period;
        uint256 minted;
    }

    mapping(bytes32 scope => Config) private _config;
    mapping(bytes32 scope => mapping(address token => PeriodState)) private _state;

    function hooks() external pure returns (uint8) {
        return ModuleHooks.CREATED;
    }

    function name() external pure returns (string memory) {
        return "SupplyLimit";
    }

    function setSupplyCap(uint256 cap) external onlyEngine {
        _config[_scope(msg.sender)].cap = cap;
        emit SupplyCapSet(msg.sender, cap);
    }

    function setPeriodLimit(uint64 periodLength, uint256 periodLimit) external onlyEngine {
        Config storage c = _config[_scope(msg.sender)];
        c.periodLength = periodLength;
        c.periodLimit = periodLimit;
        emit PeriodLimitSet(msg.sender, periodLength, periodLimit);
    }

    function config(address engine) external view returns (uint256 cap, uint64 periodLength, uint256 periodLimit) {
        Config storage c = _config[_scope(engine)];
        return (c.cap, c.periodLength, c.periodLimit);
    }

    function mintedInCurrentPeriod(address engine, address token) public view returns (uint256) {
        bytes32 scope = _scope(engine);
        Config storage c = _config[scope];
        if (c.periodLength == 0) return 0;
        PeriodState storage s = _state[scope][token];
        return s.period == uint64(block.timestamp / c.periodLength) ? s.minted : 0;
    }

    function checkTransfer(address token, address from, address, uint256 value) external view {
        if (from != address(0)) return;
        Config storage c = _config[_scope(msg.sender)];
        if (c.cap != 0) {
            uint256 supplyAfter = IERC20(token).totalSupply() + value;
            if (supplyAfter > c.cap) revert SupplyCapExceeded(supplyAfter, c.cap);
        }
        if (c.periodLimit != 0 && c.periodLength != 0) {
            uint256 after_ = mintedInCurrentPeriod(msg.sender, token) + value;
            if (after_ > c.periodLimit) revert PeriodSupplyLimitExceeded(after_, c.periodLimit);
        }
    }

    function created(address token, address, uint256 value) external override onlyEngine {
        bytes32 scope = _scope(msg.sender);
        Config storage c = _config[scope];
        if (c.periodLength == 0) return;
        uint64 period = uint64(block.timestamp / c.periodLength);
        PeriodState storage s = _state[scope][token];
        if (s.period != period) {
            s.period = period;
            s.minted = value;
        } else {
            s.minted += value;
        }
    }
}
