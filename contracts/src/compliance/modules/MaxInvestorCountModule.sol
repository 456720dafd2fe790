// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";
import {ModuleHooks} from "../interfaces/IComplianceModule.sol";

/// @title Max investor count, overall and per country. An investor is a wallet with a
/// non-zero balance; each holder's country is recorded when they become a holder so
/// per-country counts stay exact even if the registry's country changes later.
/// @dev Counts start when the module is bound: bind it before the first mint.
contract MaxInvestorCountModule is ComplianceModuleBase {
    error MaxInvestorsExceeded(uint256 holdersAfter, uint256 maxInvestors);
    error MaxInvestorsPerCountryExceeded(uint16 country, uint256 holdersAfter, uint256 maxInvestors);

    event MaxInvestorsSet(address indexed engine, uint256 maxInvestors);
    event MaxInvestorsPerCountrySet(address indexed engine, uint16 indexed country, uint256 maxInvestors);

    struct Limits {
        uint256 maxInvestors;
        mapping(uint16 country => uint256) perCountry; // 0 = no per-country limit
    }

    struct Counts {
        uint256 holders;
        mapping(uint16 country => uint256) perCountry;
        mapping(address holder => uint16) holderCountry;
    }

    mapping(bytes32 scope => Limits) private _limits;
    mapping(bytes32 scope => mapping(address token => Counts)) private _counts;

    function hooks() external pure returns (uint8) {
        return ModuleHooks.ALL;
    }

    function name() external pure returns (string memory) {
        return "MaxInvestorCount";
    }

    function setMaxInvestors(uint256 maxInvestors_) external onlyEngine {
        _limits[_scope(msg.sender)].maxInvestors = maxInvestors_;
        emit MaxInvestorsSet(msg.sender, maxInvestors_);
    }

    function setMaxInvestorsPerCountry(uint16 country, uint256 maxInvestors_) external onlyEngine {
        _limits[_scope(msg.sender)].perCountry[country] = maxInvestors_;
        emit MaxInvestorsPerCountrySet(msg.sender, country, maxInvestors_);
    }

    function holderCount(address engine, address token) external view returns (uint256) {
        return _counts[_scope(engine)][token].holders;
    }

    function holderCountByCountry(address engine, address token, uint16 country) external view returns (uint256) {
        return _counts[_scope(engine)][token].perCountry[country];
    }

    function checkTransfer(address token, address from, address to, uint256 value) external view {
        if (value == 0 || from == to || IERC20(token).balanceOf(to) != 0) return;
        bytes32 scope = _scope(msg.sender);
        Counts storage c = _counts[scope][token];
        Limits storage l = _limits[scope];
        bool senderLeaves = from != address(0) && IERC20(token).balanceOf(from) == value;
        uint256 holdersAfter = senderLeaves ? c.holders : c.holders + 1;
        if (holdersAfter > l.maxInvestors) revert MaxInvestorsExceeded(holdersAfter, l.maxInvestors);
        uint16 country = _identityRegistry(token).investorCountry(to);
        uint256 countryMax = l.perCountry[country];
        if (countryMax != 0) {
            uint256 inCountry = c.perCountry[country];
            if (!(senderLeaves && c.holderCountry[from] == country)) inCountry += 1;
            if (inCountry > countryMax) revert MaxInvestorsPerCountryExceeded(country, inCountry, countryMax);
        }
    }

    function transferred(address token, address from, address to, uint256 value) external override onlyEngine {
        if (value == 0 || from == to) return;
        Counts storage c = _counts[_scope(msg.sender)][token];
        _onReceive(c, token, to, value);
        _onSend(c, token, from);
    }

    function created(address token, address to, uint256 value) external override onlyEngine {
        if (value == 0) return;
        _onReceive(_counts[_scope(msg.sender)][token], token, to, value);
    }

    function destroyed(address token, address from, uint256 value) external override onlyEngine {
        if (value == 0) return;
        _onSend(_counts[_scope(msg.sender)][token], token, from);
    }

    /// @dev Called after the balance update: the recipient is new iff its balance equals value.
    function _onReceive(Counts storage c, address token, address to, uint256 value) private {
        if (IERC20(token).balanceOf(to) != value) return;
        uint16 country = _identityRegistry(token).investorCountry(to);
        c.holders += 1;
        c.perCountry[country] += 1;
        c.holderCountry[to] = country;
    }

    function _onSend(Counts storage c, address token, address from) private {
        if (IERC20(token).balanceOf(from) != 0) return;
        // Saturating: a holder that existed before the module was bound was never counted.
        if (c.holders != 0) c.holders -= 1;
        uint16 country = c.holderCountry[from];
        if (c.perCountry[country] != 0) c.perCountry[country] -= 1;
        delete c.holderCountry[from];
    }
}
